using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>The tiny CLAP parity fixture (shared/parity/transformers/clap_tiny) and its README tolerances.</summary>
internal static class ClapTinyFixture
{
    public static string Folder => SharedData.PathOf("parity", "transformers", "clap_tiny");

    public static SafeTensorsFile OpenAudio() => SafeTensorsFile.Open(Path.Combine(Folder, "io_audio.safetensors"));

    public static SafeTensorsFile OpenText() => SafeTensorsFile.Open(Path.Combine(Folder, "io_text.safetensors"));

    public const double Rtol = 1e-4;

    /// <summary>Absolute tolerance for a fixture tensor, from the README's "Suggested tolerances" table.</summary>
    public static double AudioAtol(string name) => name switch
    {
        "after_batch_norm" => 1e-5,
        "after_reshape_mel2img" or "after_reshape_mel2img.torch_fp32" => 1e-3,
        "after_patch_embed" => 1e-3,
        _ when name.StartsWith("stage", StringComparison.Ordinal) => 1e-3,
        "after_final_norm" or "last_hidden_state" => 5e-4,
        "pooler_output" or "audio_embeds" or "audio_features" => 1e-4,
        _ => throw new ArgumentException($"no tolerance for {name}"),
    };

    public static TensorComparison Check(SafeTensorsFile io, string name, Tensor actual, double atol, ITestOutputHelper log)
    {
        using var expected = io.Load(name);
        var comparison = TensorAssert.Close(actual, expected, atol, expected.is_floating_point() ? Rtol : 0, name);
        log.WriteLine(comparison.ToString());
        return comparison;
    }
}
