namespace Clap2Diffusion.Engine;

/// <summary>
/// The user's input is wrong (a file, a setting, an argument), as opposed to a fault in the engine.
/// The command line turns it into exit code 2 and a message without a stack trace; the web app shows
/// the message as it is.
/// </summary>
public class InputException : Exception
{
    public InputException(string message) : base(message) { }

    public InputException(string message, Exception inner) : base(message, inner) { }
}
