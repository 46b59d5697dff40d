namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Whether LibTorch may use oneDNN's convolutions, about twice as fast as its im2col kernels on the CPU but, on
/// this project's machines, wrong for channel counts that are not a multiple of the vector width
/// (docs/decisions/0017-onednn-convolutions.md). <c>auto</c> keeps oneDNN where <see cref="OneDnnSelfCheck"/>
/// finds it agreeing with im2col and switches it off where not; <c>off</c> switches it off without asking;
/// <c>on</c> keeps it without the self-check, for measuring what it is worth (the backward still goes without it,
/// see <see cref="Backpropagation"/>). The switch is one per process.
/// </summary>
public static class OneDnn
{
    public const string Auto = "auto";
    public const string Off = "off";
    public const string On = "on";

    /// <summary>The values a user may ask for (<c>Engine:OneDnn</c>, <c>--onednn</c>).</summary>
    public static readonly IReadOnlyList<string> Settings = [Auto, Off, On];

    private const string CheckedOn = "on (self-checked)";

    private static readonly Lock Gate = new();
    private static string? _current;
    private static string? _selfCheck;
    private static bool _selfChecked;

    /// <summary>
    /// What is in force: <c>on (self-checked)</c>, <c>on (asked, not checked)</c>, <c>off (asked)</c> or
    /// <c>off (…what the self-check found)</c>;
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

    /// <summary>True when <c>auto</c> is in force and the self-check found oneDNN agreeing, its backward included.</summary>
    public static bool Verified
    {
        get
        {
            lock (Gate)
                return _current == CheckedOn && LibTorchContext.OneDnnEnabled;
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
            // Convolutions that oneDNN does not take would otherwise try NNPACK first, which on x86 servers fails to
            // initialise and has LibTorch print a warning on every call.
            LibTorchContext.NnpackEnabled = false;
            if (setting == Off)
            {
                LibTorchContext.OneDnnEnabled = false;
                return _current = "off (asked)";
            }
            if (setting == On)
            {
                LibTorchContext.OneDnnEnabled = true;
                return _current = "on (asked, not checked)";
            }
            if (!_selfChecked)
            {
                _selfCheck = OneDnnSelfCheck.FindDisagreement();
                _selfChecked = true;
                if (_selfCheck is not null)
                    log.WriteLine($"oneDNN: switched off, its convolutions disagree with LibTorch's own here: {_selfCheck}.");
            }
            LibTorchContext.OneDnnEnabled = _selfCheck is null;
            return _current = _selfCheck is null ? CheckedOn : $"off ({_selfCheck})";
        }
    }
}
