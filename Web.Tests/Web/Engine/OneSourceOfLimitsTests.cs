using System.Net;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Engine;

/// <summary>
/// Steps and guidance have one source of limits and defaults: the engine's. The studio (which submits through
/// <see cref="IJobQueue"/>), the HTTP API and the engine itself refuse the same values with the same words, and the
/// studio starts from the engine's defaults. The server runs the real engine on the demo model, with its CPU caps
/// opened to the engine's own limits so that nothing narrows them.
/// </summary>
public sealed class OneSourceOfLimitsTests : IAsyncLifetime
{
    private readonly TempFolder _data = new("limits");
    private StudioFactory _factory = default!;
    private ClapDiffusionPipeline _engine = default!;

    public async Task InitializeAsync()
    {
        _factory = await new StudioFactory(_data.Path, backend: null, new Dictionary<string, string?>
        {
            ["Engine:Device"] = "cpu",
            ["Queue:CpuMaxSteps"] = GenerationLimits.MostSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Queue:CpuMaxSide"] = "1024",
        })
        {
            EngineDoubles = services => services.AddSingleton<IGenerationBackend, EngineGenerationBackend>(),
        }.ReadyAsync();
        _engine = ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null)));
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "steps", "0", "Steps must be between 1 and 150, not 0." },
        { "steps", "151", "Steps must be between 1 and 150, not 151." },
        { "textGuidance", "30.5", "Text guidance must be between 0 and 30, not 30.5." },
        { "audioGuidance", "-1", "Audio guidance must be between 0 and 30, not -1." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task The_studio_the_api_and_the_engine_refuse_a_value_with_the_same_message(string field, string value, string message)
    {
        var settings = Apply(_engine.Defaults with { Prompt = "a red circle" }, field, value);

        var engineError = Assert.Throws<InputException>(() => _engine.Generate(new GenerationRequest { Settings = settings }));

        var studio = await _factory.Get<IJobQueue>().SubmitAsync("limits-studio", new JobRequest(settings, null));

        using var api = await _factory.ClientFor("limits-api").SubmitAsync("a red circle", fields: new Dictionary<string, string> { [field] = value });
        var apiErrors = (await api.ProblemAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();

        Assert.Equal(message, engineError.Message);
        Assert.False(studio.Accepted);
        Assert.Equal([message], studio.Messages);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal([message], apiErrors);
    }

    [Fact]
    public void The_studio_starts_from_the_engines_defaults_and_limits()
    {
        var info = _factory.Get<IJobQueue>().Status.Info!;

        Assert.Equal(_engine.Defaults.Steps, info.Defaults.Steps);
        Assert.Equal(_engine.Defaults.TextGuidance, info.Defaults.TextGuidance);
        Assert.Equal(_engine.Defaults.AudioGuidance, info.Defaults.AudioGuidance);
        Assert.Equal(_engine.Limits.MaxSteps, info.Limits.MaxSteps);
    }

    [Fact]
    public void A_model_folder_without_settings_gets_the_same_defaults_as_a_new_settings_record()
    {
        var none = new PipelineSettings();
        var fresh = new GenerationSettings();

        Assert.Equal((fresh.Steps, fresh.TextGuidance, fresh.AudioGuidance), (none.DefaultSteps, none.TextScale, none.AudioScale));
    }

    private static GenerationSettings Apply(GenerationSettings settings, string field, string value)
    {
        var number = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return field switch
        {
            "steps" => settings with { Steps = (int)number },
            "textGuidance" => settings with { TextGuidance = number },
            _ => settings with { AudioGuidance = number },
        };
    }

    public async Task DisposeAsync()
    {
        _engine.Dispose();
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
