using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>Every feature's settings stop the server at start-up when they are invalid, with a message that names the key.</summary>
public sealed class StartupOptionsTests : IDisposable
{
    private readonly TempFolder _data = new("options");

    [Theory]
    [InlineData("persistence", "Storage:MaxAudioBytes", "10", "Storage:MaxAudioBytes")]
    [InlineData("accounts", "Admin:MinPasswordLength", "3", "Admin:MinPasswordLength")]
    [InlineData("engine", "Engine:Device", "tpu", "Engine:Device")]
    [InlineData("engine safety", "Safety:Mode", "sometimes", "Safety:Mode")]
    [InlineData("engine evaluation", "Evaluation:FidWeights", "/no/such/inception.pth", "Evaluation:FidWeights")]
    [InlineData("engine composition", "Composition:ContradictoryStrength", "1.5", "Composition:ContradictoryStrength")]
    [InlineData("engine composition", "Composition:ContradictoryStrength", "-0.2", "Composition:ContradictoryStrength")]
    [InlineData("engine composition", "Composition:ContradictoryStrength", "NaN", "Composition:ContradictoryStrength")]
    [InlineData("jobs", "Queue:MaxAttempts", "0", "Queue:MaxAttempts")]
    [InlineData("engine workers", "Engine:Mode", "cluster", "Engine:Mode")]
    [InlineData("engine workers", "Engine:WorkerLeaseSeconds", "1", "Engine:WorkerLeaseSeconds")]
    [InlineData("engine workers", "Engine:Mode", "remote", "Engine:WorkerKeyFile")]
    [InlineData("models", "Models:LoraRoots:0", "/no/such/lora/folder", "Models:LoraRoots")]
    [InlineData("runs", "Training:SampleSteps", "0", "Training:SampleSteps")]
    [InlineData("runs", "Training:MaxAttempts", "0", "Training:MaxAttempts")]
    [InlineData("study", "Study:JoinsPerAddress", "0", "Study:JoinsPerAddress")]
    [InlineData("network", "Network:KnownProxies:0", "proxy.example", "Network:KnownProxies")]
    [InlineData("network", "Network:ExemptNetworks:0", "127.0.0.1/99", "Network:ExemptNetworks")]
    [InlineData("network", "Network:SubmissionsPerAddress", "0", "Network:SubmissionsPerAddress")]
    [InlineData("demo world", "DemoWorld:TrainClips", "0", "DemoWorld:TrainClips")]
    [InlineData("demo world", "DemoWorld:Folder", "datasets/demo-world.partial", "DemoWorld:Folder")]
    public async Task An_invalid_setting_fails_start_up_naming_its_key(string feature, string key, string value, string named)
    {
        await using var factory = new StudioFactory(_data.Path, new TestGenerationBackend(), new Dictionary<string, string?> { [key] = value });

        var failure = Record.Exception(() => factory.Services);

        var invalid = Causes(failure).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(invalid is not null, $"{feature}: start-up failed without naming a setting: {failure}");
        Assert.True(invalid.Message.Contains(named, StringComparison.Ordinal), $"{feature}: the message does not name {named}: {invalid.Message}");
    }

    // The failure and everything under it. A failed start can come wrapped with what the host's shutdown then threw
    // (once an ObjectDisposedException beside the validation failure), so the whole tree is searched, not one branch.
    private static IEnumerable<Exception> Causes(Exception? failure)
    {
        if (failure is null)
            yield break;
        yield return failure;
        var inner = failure is AggregateException aggregate ? aggregate.InnerExceptions : failure.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
            yield return cause;
    }

    public void Dispose() => _data.Dispose();
}
