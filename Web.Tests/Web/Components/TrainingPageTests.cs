using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Admin.Runs;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Clap2Diffusion.Tests.Web.Components;

/// <summary>The training form: picking stage 2 takes its recipe and asks for the stage-1 result, which a launch needs.</summary>
public sealed class TrainingPageTests : ComponentTest
{
    private readonly List<TrainingSettings> _launched = [];

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(ContractProxy<IRunConsole>.Create((method, args) => method.Name switch
        {
            "get_TrainingDefaults" => new TrainingSettings { DatasetFolder = "datasets/audiocaps" },
            "get_DatasetRoots" => new[] { "datasets" },
            nameof(IRunConsole.Browse) => new FolderListing("datasets", null, ["audiocaps"], null),
            nameof(IRunConsole.ListAsync) => Task.FromResult<IReadOnlyList<RunSummary>>([]),
            nameof(IRunConsole.LaunchTrainingAsync) => Launch((TrainingSettings)args[0]!),
            _ => throw new NotSupportedException($"IRunConsole.{method.Name} is not faked here."),
        }));
        services.AddSingleton(ContractProxy<IDemoWorld>.Create((method, _) => method.Name switch
        {
            "get_Status" => new DemoWorldStatus(DemoWorldState.Unavailable, 0, 0, null, null),
            "get_TrainingDefaults" => new TrainingSettings(),
            "get_TrainingEstimate" => TimeSpan.FromMinutes(3),
            _ => throw new NotSupportedException($"IDemoWorld.{method.Name} is not faked here."),
        }));
    }

    private Task<LaunchResult> Launch(TrainingSettings settings)
    {
        _launched.Add(settings);
        return Task.FromResult(new LaunchResult(null, ["queued in the test"]));
    }

    [Fact]
    public async Task Stage_two_takes_its_recipe_and_is_not_launched_without_a_stage_one_result()
    {
        var page = Render<Training>();
        Assert.Empty(page.FindAll("[data-testid=stage-one-result]"));
        string Field<T>(string label) =>
            page.FindComponents<MudNumericField<T>>().First(f => f.Instance.Label == label).Find("input").GetAttribute("value")!;
        Assert.Equal("3000", Field<int>("Steps"));

        var stage = page.FindComponent<MudSelect<int>>();
        await page.InvokeAsync(() => stage.Instance.ValueChanged.InvokeAsync(2));

        Assert.Equal(("2000", "1E-05", "8"), (Field<int>("Steps"), Field<double>("Learning rate"), Field<int>("Batch size")));
        Assert.Single(page.FindAll("[data-testid=stage-one-result]"));

        await page.Find("[data-testid=launch-training]").ClickAsync(new());
        Assert.Empty(_launched);
        Assert.Contains("Stage 2 starts from a stage-1 result", page.Find("[data-testid=launch-problem]").TextContent);

        var result = page.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label!.StartsWith("Stage-1 result", StringComparison.Ordinal));
        await page.InvokeAsync(() => result.Instance.ValueChanged.InvokeAsync("runs/stage1/adapters"));
        await page.Find("[data-testid=launch-training]").ClickAsync(new());

        var launched = Assert.Single(_launched);
        Assert.Equal((2, "runs/stage1/adapters", 2000), (launched.Stage, launched.StageOneResult, launched.Steps));
    }
}
