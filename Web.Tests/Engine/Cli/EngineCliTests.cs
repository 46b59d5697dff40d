using Clap2Diffusion.Engine.Cli;

namespace Clap2Diffusion.Tests.Engine.Cli;

public sealed class EngineCliTests
{
    internal static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = EngineProgram.Run(args, new CliContext(output, error, errorIsTerminal: false));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Help_lists_the_verbs()
    {
        var (code, output, _) = Run("--help");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("keys", output);
    }

    [Fact]
    public void Unknown_verb_exits_2_without_a_stack_trace()
    {
        var (code, _, error) = Run("transmogrify");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("transmogrify", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Unknown_model_exits_2_and_lists_valid_names()
    {
        var (code, _, error) = Run("keys", "--model", "no-such-model");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("valid names", error);
    }
}
