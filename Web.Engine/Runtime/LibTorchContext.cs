using System.Runtime.InteropServices;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Switches of LibTorch's global context that TorchSharp does not expose. They are C++ members
/// (<c>at::globalContext().setUserEnabledMkldnn(bool)</c>), reached by their mangled names in
/// <c>libtorch_cpu</c>; the names are those of the LibTorch this project pins (2.10), and a LibTorch without
/// them fails here, loudly, rather than computing with the switch in an unknown position.
/// </summary>
internal static class LibTorchContext
{
    private const string Library = "libtorch_cpu";

    /// <summary>Whether LibTorch may use oneDNN (formerly MKL-DNN) kernels, convolutions among them.</summary>
    public static bool OneDnnEnabled
    {
        get => Call(() => UserEnabledMkldnn(GlobalContext()));
        set => Call(() => { SetUserEnabledMkldnn(GlobalContext(), value); return value; });
    }

    /// <summary>
    /// Whether LibTorch may try NNPACK for a convolution that oneDNN does not take. On x86 servers NNPACK fails to
    /// initialise ("Unsupported hardware") and LibTorch warns about it on every such call.
    /// </summary>
    public static bool NnpackEnabled
    {
        get => Call(() => UserEnabledNnpack(GlobalContext()));
        set => Call(() => { SetUserEnabledNnpack(GlobalContext(), value); return value; });
    }

    private static T Call<T>(Func<T> call)
    {
        // TorchSharp loads libtorch_cpu on first use; make sure that has happened before binding to it.
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        try
        {
            return call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            throw new InvalidOperationException(
                "This LibTorch does not expose at::Context's oneDNN switch under the names LibTorch 2.10 uses; " +
                "gradients through convolutions cannot be made safe (docs/decisions/0017-onednn-convolutions.md).", e);
        }
    }

    [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
