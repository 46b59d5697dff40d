using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Clap2Diffusion.Client.Pages.Generate;

/// <summary>
/// Drag-and-drop, file choice and microphone recording. The browser decodes the sound (Web Audio API), so any
/// format it plays works, and sends it to <c>/api/uploads</c> as 16-bit WAV over plain HTTP, not through the
/// circuit (whose streams stop at 512,000 bytes by default). The server answers with the stored clip.
/// </summary>
public partial class AudioInput : IAsyncDisposable
{
    private const string ModulePath = "./_content/Web.Client/Pages/Generate/AudioInput.razor.js";

    private ElementReference _root;
    private IJSObjectReference? _module;
    private DotNetObjectReference<AudioInput>? _self;
    private string? _shownUrl;
    private string? _status;
    private string? _problem;
    private bool _recording;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Parameter] public AudioClip? Clip { get; set; }

    [Parameter] public EventCallback<AudioClip?> ClipChanged { get; set; }

    [Parameter] public double MaxSeconds { get; set; } = 60;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _self = DotNetObjectReference.Create(this);
            await _module.InvokeVoidAsync("attach", _root, _self, new { maxSeconds = MaxSeconds });
        }

        if (_module is not null && Clip is not null && Clip.Url != _shownUrl)
        {
            _shownUrl = Clip.Url;
            await _module.InvokeVoidAsync("show", _root, Clip.Url);
        }
    }

    [JSInvokable]
    public Task OnStatus(string message) => InvokeAsync(() =>
    {
        _status = message;
        StateHasChanged();
    });

    [JSInvokable]
    public Task OnProblem(string message) => InvokeAsync(() =>
    {
        _problem = message;
        _status = null;
        StateHasChanged();
    });

    [JSInvokable]
    public Task OnRecording(bool recording) => InvokeAsync(() =>
    {
        _recording = recording;
        StateHasChanged();
    });

    [JSInvokable]
    public Task OnUploaded(AudioClip clip) => InvokeAsync(async () =>
    {
        Clip = clip;
        _shownUrl = clip.Url;
        _problem = null;
        await ClipChanged.InvokeAsync(clip);
        StateHasChanged();
    });

    private async Task RecordAsync()
    {
        _problem = null;
        if (_module is not null)
            await _module.InvokeVoidAsync("record", _root);
    }

    private async Task StopAsync()
    {
        if (_module is not null)
            await _module.InvokeVoidAsync("stop", _root);
    }

    private async Task RemoveAsync()
    {
        Clip = null;
        _shownUrl = null;
        _status = null;
        if (_module is not null)
            await _module.InvokeVoidAsync("clear", _root);
        await ClipChanged.InvokeAsync(null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.InvokeVoidAsync("detach", _root);
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the page's script with it.
            }
        }

        _self?.Dispose();
        GC.SuppressFinalize(this);
    }
}
