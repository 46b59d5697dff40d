namespace Clap2Diffusion.Engine.Cli;

/// <summary>Runs a verb's body and turns what escapes it into an exit code and a message.</summary>
public static class VerbAction
{
    public static int Guard(CliContext cli, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InputException error)
        {
            cli.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            cli.Error.WriteLine("cancelled");
            return ExitCodes.Failure;
        }
        catch (Exception error)
        {
            cli.Error.WriteLine($"internal error: {error.GetType().Name}: {error.Message}");
            if (Environment.GetEnvironmentVariable("C2D_DEBUG") == "1")
                cli.Error.WriteLine(error);
            else
                cli.Error.WriteLine("(set C2D_DEBUG=1 for the stack trace)");
            return ExitCodes.Failure;
        }
    }
}
