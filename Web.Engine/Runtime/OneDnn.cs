namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Whether LibTorch may use oneDNN's convolutions, about twice as fast as its im2col kernels on the CPU but, on
/// this project's machines, wrong for channel counts that are not a multiple of the vector width
/// (docs/decisions/0017-onednn-convolutions.md). <c>auto</c> keeps oneDNN where <see cref="OneDnnSelfCheck"/>
/// finds it agreeing with im2col and switches it off where not; <c>off</c> switches it off without asking.
/// The switch is one per process.
/// </summary>
public static class OneDnn
{
    public const string Auto = "auto";
    public const string Off = "off";

    /// <summary>The values a user may ask for (<c>Engine:OneDnn</c>, <c>--onednn</c>).</summary>
    public static readonly IReadOnlyList<string> Settings = [Auto, Off];

    private static readonly Lock Gate = new();
    private static string? _current;
    private static string? _selfCheck;
    private static bool _selfChecked;

    /// <summary>
    /// What is in force: <c>on (self-checked)</c>, <c>off (asked)</c> or <c>off (…what the self-check found)</c>;
    /// <c>unchecked</c> before any call to <see cref="Apply"/>, when LibTorch's default (on) holds.
    /// </summary>
    public static string Current
    {
        get
        {
            lock (Gate)
                return _current ?? "unchecked";
        }
    }

    /// <summary>True when the self-check ran and oneDNN agreed, its backward included.</summary>
    public static bool Verified
    {
        get
        {
            lock (Gate)
                return _selfChecked && _selfCheck is null && LibTorchContext.OneDnnEnabled;
        }
    }

    public static void Validate(string setting)
    {
        if (!Settings.Contains(setting))
            throw new InputException($"oneDNN setting '{setting}' is not one of {string.Join(", ", Settings)}.");
    }

    /// <summary>
    /// Applies <paramref name="setting"/> and returns what is now in force. The self-check runs once per process
    /// (tens of milliseconds); a disagreement is written to <paramref name="log"/>.
    /// </summary>
    public static string Apply(string setting, TextWriter log)
    {
        Validate(setting);
        lock (Gate)
        {
            if (setting == Off)
            {
                LibTorchContext.OneDnnEnabled = false;
                return _current = "off (asked)";
            }
            if (!_selfChecked)
            {
                _selfCheck = OneDnnSelfCheck.FindDisagreement();
                _selfChecked = true;
                if (_selfCheck is not null)
                    log.WriteLine($"oneDNN: switched off, its convolutions disagree with LibTorch's own here: {_selfCheck}.");
            }
            LibTorchContext.OneDnnEnabled = _selfCheck is null;
            return _current = _selfCheck is null ? "on (self-checked)" : $"off ({_selfCheck})";
        }
    }
}
