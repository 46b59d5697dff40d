using TorchSharp;
using TorchSharp.Modules;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Whether LibTorch may use oneDNN's convolutions: two to three times as fast as its im2col kernels on the CPU, but
/// on this project's machines wrong for channel counts that are not a multiple of the vector width
/// (docs/decisions/0017-onednn-convolutions.md). The switch is one per process.
/// <list type="bullet">
/// <item><c>auto</c>: a self-check at start-up compares oneDNN with im2col. Right everywhere: on. Right only for
/// <see cref="IsAligned">aligned</see> channel counts (SD 1.5 and the demo model have nothing else): on until a model
/// with another count is built (<see cref="Register"/>), then off for the rest of the process. Wrong for aligned
/// counts too: off.</item>
/// <item><c>off</c>: off without asking. <c>on</c>: on without the check, for measuring what it is worth.</item>
/// </list>
/// Backward passes go without oneDNN unless it was found right everywhere (<see cref="Backpropagation"/>).
/// </summary>
public static class OneDnn
{
    public const string Auto = "auto";
    public const string Off = "off";
    public const string On = "on";

    /// <summary>The values a user may ask for (<c>Engine:OneDnn</c>, <c>--onednn</c>).</summary>
    public static readonly IReadOnlyList<string> Settings = [Auto, Off, On];

    private const string CheckedOn = "on (self-checked)";
    private const string AlignedOnlyPrefix = "on for channel counts that are multiples of 16";

    private static readonly Lock Gate = new();
    private static string? _current;
    private static (string? Aligned, string? Unaligned)? _selfCheck;
    private static long? _unalignedBuilt;

    /// <summary>
    /// What is in force and why: <c>on (self-checked)</c>, <c>on for channel counts that are multiples of 16 (…)</c>,
    /// <c>off (…)</c>, <c>on (asked, not checked)</c>; <c>unchecked</c> before any call to <see cref="Apply"/>, when
    /// LibTorch's default (on) holds.
    /// </summary>
    public static string Current
    {
        get
        {
            lock (Gate)
                return _current ?? "unchecked";
        }
    }

    /// <summary>True when <c>auto</c> is in force and the self-check found oneDNN right everywhere, its backward included.</summary>
    public static bool Verified
    {
        get
        {
            lock (Gate)
                return _current == CheckedOn && LibTorchContext.OneDnnEnabled;
        }
    }

    /// <summary>
    /// Input channels per group that the self-check's aligned set covers: multiples of 16, the 1 to 4 channels of
    /// images, latents and spectrograms, and the 8 of the VAE's <c>quant_conv</c>.
    /// </summary>
    public static bool IsAligned(long inputChannelsPerGroup) =>
        inputChannelsPerGroup % 16 == 0 || inputChannelsPerGroup <= 4 || inputChannelsPerGroup == 8;

    public static void Validate(string setting)
    {
        if (!Settings.Contains(setting))
            throw new InputException($"oneDNN setting '{setting}' is not one of {string.Join(", ", Settings)}.");
    }

    /// <summary>
    /// Applies <paramref name="setting"/> and returns what is now in force. The self-check runs once per process
    /// (a fraction of a second); what it found wrong is written to <paramref name="log"/>.
    /// </summary>
    public static string Apply(string setting, TextWriter log)
    {
        Validate(setting);
        lock (Gate)
        {
            // Convolutions that oneDNN does not take would otherwise try NNPACK first, which on x86 servers fails to
            // initialise and has LibTorch print a warning on every call.
            LibTorchContext.NnpackEnabled = false;
            switch (setting)
            {
                case Off:
                    LibTorchContext.OneDnnEnabled = false;
                    return _current = "off (asked)";
                case On:
                    LibTorchContext.OneDnnEnabled = true;
                    return _current = "on (asked, not checked)";
            }
            var (aligned, unaligned) = _selfCheck ??= RunSelfCheck(log);
            _current = Decide(aligned, unaligned, _unalignedBuilt);
            LibTorchContext.OneDnnEnabled = _current.StartsWith("on", StringComparison.Ordinal);
            return _current;
        }
    }

    /// <summary>
    /// Every convolution the engine builds is built through here. Where oneDNN is trusted for aligned channel counts
    /// only, a convolution with other counts switches it off for the rest of the process, before its first call;
    /// switching off is always safe, so nothing can race it into running a convolution oneDNN gets wrong.
    /// </summary>
    /// <remarks>
    /// TorchSharp's convolution constructors leave one tensor of their parameter initialisation to the garbage
    /// collector (the soak counted 79 per SD-style UNet and 70 per VAE load, freed on the finaliser thread). Built in
    /// a dispose scope, that tensor is disposed here, on this thread; the module's own parameters are detached from the
    /// scope and stay the module's.
    /// </remarks>
    public static T Register<T>(Func<T> build) where T : Convolution
    {
        T convolution;
        using (var scope = torch.NewDisposeScope())
        {
            convolution = build();
            scope.Detach(convolution.parameters());
        }
        var inputChannelsPerGroup = convolution.weight!.shape[1];
        if (IsAligned(inputChannelsPerGroup))
            return convolution;
        lock (Gate)
        {
            _unalignedBuilt ??= inputChannelsPerGroup;
            if (_current is not null && _current.StartsWith(AlignedOnlyPrefix, StringComparison.Ordinal))
            {
                LibTorchContext.OneDnnEnabled = false;
                _current = UnalignedBuilt(inputChannelsPerGroup, _selfCheck?.Unaligned);
            }
        }
        return convolution;
    }

    /// <summary>
    /// What <c>auto</c> puts in force, from the self-check's findings (null: agreed) on aligned and unaligned channel
    /// counts and the input channels of the first unaligned convolution built so far, if any.
    /// </summary>
    internal static string Decide(string? aligned, string? unaligned, long? unalignedBuilt) => (aligned, unaligned, unalignedBuilt) switch
    {
        (null, null, _) => CheckedOn,
        (null, _, null) => $"{AlignedOnlyPrefix} ({unaligned})",
        (null, _, var channels) => UnalignedBuilt(channels.Value, unaligned),
        _ => $"off ({aligned})",
    };

    private static string UnalignedBuilt(long channels, string? disagreement) =>
        $"off (a convolution with {channels} input channels was built, and {disagreement})";

    private static (string? Aligned, string? Unaligned) RunSelfCheck(TextWriter log)
    {
        var aligned = OneDnnSelfCheck.FindDisagreement(OneDnnSelfCheck.Aligned, backward: false);
        var unaligned = OneDnnSelfCheck.FindDisagreement(OneDnnSelfCheck.Unaligned, backward: true);
        if (aligned is not null)
            log.WriteLine($"oneDNN: switched off, its convolutions disagree with LibTorch's own here: {aligned}.");
        else if (unaligned is not null)
            log.WriteLine($"oneDNN: kept for channel counts that are multiples of 16 only; elsewhere it disagrees with LibTorch's own kernels here: {unaligned}.");
        return (aligned, unaligned);
    }
}
