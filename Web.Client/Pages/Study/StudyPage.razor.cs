using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace Clap2Diffusion.Client.Pages.Study;

/// <summary>
/// A participant's page: consent, then one pair at a time, blind. The page only ever holds what
/// <see cref="TrialView"/> carries (opaque addresses, left and right), so nothing here can reveal which image
/// had the audio. Voting opens once the sound has played to its end, which the server also checks (and it
/// refuses a vote sooner than the clip is long). The link's query (invitation, panel id) goes to the server as is;
/// at the end a panel participant gets the completion code and, when the study has one, is sent to its address.
/// </summary>
public partial class StudyPage : IAsyncDisposable
{
    private const string ModulePath = "./_content/Web.Client/Pages/Study/StudyPage.razor.js";

    private static readonly (StudyChoice Choice, string Label, string Key)[] Answers =
    [
        (StudyChoice.Left, "Left is better (1)", "left"),
        (StudyChoice.Right, "Right is better (2)", "right"),
        (StudyChoice.Tie, "About the same (3)", "tie"),
        (StudyChoice.BothBad, "Both are bad (4)", "both-bad"),
    ];

    private ParticipantView? _view;
    private string _clientId = "";
    private bool _played;
    private bool _voting;
    private string? _problem;
    private string? _announcement;
    private Guid? _focusedTrial;
    private bool _interactive;
    private ElementReference _heading;
    private ElementReference _audio;
    private IJSObjectReference? _module;
    private StudyLink _link = StudyLink.None;
    private bool _redirecting;

    /// <summary>Long enough to read (or copy) the completion code before the panel's page replaces this one.</summary>
    private static readonly TimeSpan CompletionRedirectDelay = TimeSpan.FromSeconds(3);

    private string PanelIdNote => _view?.Access == StudyAccess.Panel
        ? ", with the participant id your panel passed in the link (so that you take part once and can be paid)"
        : "";

    [Inject] private IStudyParticipation Participation { get; set; } = default!;

    [Inject] private ICurrentClient CurrentClient { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Parameter] public string JoinCode { get; set; } = "";

    protected override async Task OnInitializedAsync()
    {
        _clientId = await CurrentClient.GetIdAsync();
        _link = StudyLink.FromUri(Navigation.Uri);
        Show(await Participation.OpenAsync(JoinCode, _clientId, _link));
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // Marks the page as live (its buttons answer), so scripts driving it know when to start.
            _interactive = true;
            StateHasChanged();
        }

        if (_view?.Trial is { } trial && _focusedTrial != trial.TrialId)
        {
            _focusedTrial = trial.TrialId;
            await _heading.FocusAsync();
        }

        if (_interactive && _view is { Stage: ParticipantStage.Finished, Completion.Url: { } url } && !_redirecting)
        {
            _redirecting = true;
            await Task.Delay(CompletionRedirectDelay);
            Navigation.NavigateTo(url, forceLoad: true);
        }
    }

    private void Show(ParticipantView view)
    {
        _view = view;
        _played = view.Trial?.AudioPlayed == true;
    }

    private async Task ConsentAsync()
    {
        Show(await Participation.ConsentAsync(JoinCode, _clientId, _link));
        _announcement = _view?.Trial is { } trial ? $"Pair {trial.Number} of {trial.Total}." : null;
    }

    private async Task PlayAsync()
    {
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
        await _module.InvokeVoidAsync("play", _audio);
    }

    private async Task AudioEndedAsync()
    {
        if (_view?.Trial is not { } trial)
            return;
        if (await Participation.AudioPlayedAsync(JoinCode, _clientId, trial.TrialId))
        {
            _played = true;
            _announcement = "Sound played: you can answer now.";
        }
    }

    private async Task VoteAsync(StudyChoice choice)
    {
        if (_view?.Trial is not { } trial || !_played || _voting)
            return;
        _voting = true;
        try
        {
            var result = await Participation.VoteAsync(JoinCode, _clientId, trial.TrialId, choice);
            _problem = result.Problem;
            Show(result.View);
            _announcement = result.Accepted
                ? _view?.Trial is { } next ? $"Answer saved. Pair {next.Number} of {next.Total}." : "Answer saved."
                : null;
        }
        finally
        {
            _voting = false;
        }
    }

    private async Task OnKeyAsync(KeyboardEventArgs key)
    {
        switch (key.Key)
        {
            case "p" or "P":
                await PlayAsync();
                break;
            case "1" or "2" or "3" or "4":
                await VoteAsync(Answers[key.Key[0] - '1'].Choice);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
        }

        GC.SuppressFinalize(this);
    }
}
