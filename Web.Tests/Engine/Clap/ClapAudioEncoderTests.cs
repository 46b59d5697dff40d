using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>Encoder pieces that the tiny fixture does not reach: the frequency resize and the window bookkeeping.</summary>
public sealed class ClapAudioEncoderTests
{
    /// <summary>60 mel bins: the image needs 64 rows per chunk, so transformers stretches the frequency axis.</summary>
    private static readonly ClapAudioConfig SixtyMels = new()
    {
        NumMelBins = 60, PatchEmbedsHiddenSize = 8, Depths = [1, 1, 1, 1], NumAttentionHeads = [1, 1, 2, 2], HiddenSize = 64,
        ProjectionDim = 16,
    };

    [Fact]
    public void Fewer_mel_bins_are_stretched_bicubically_to_the_image_height()
    {
        manual_seed(3);
        using var encoder = new ClapAudioEncoder(SixtyMels);
        using var features = randn(1, 1, 1024, 60);

        using var image = encoder.ReshapeMel2Img(features);
        using var stretched = nn.functional.interpolate(features.to_type(ScalarType.Float64), [1024, 64],
            mode: InterpolationMode.Bicubic, align_corners: true).to_type(ScalarType.Float32);
        using var expected = stretched.reshape(1, 4, 256, 64).permute(0, 1, 3, 2).reshape(1, 1, 256, 256);

        TensorAssert.Close(image, expected, 0, 0, "image");
        using var _ = no_grad();
        using var output = encoder.forward(features);
        Assert.Equal([1L, 64, 2, 32], output.LastHiddenState.shape);
    }

    [Fact]
    public void Fewer_frames_and_fewer_mel_bins_together_are_refused_as_transformers_cannot_form_the_image()
    {
        using var encoder = new ClapAudioEncoder(SixtyMels);
        using var features = randn(1, 1, 1001, 60);

        var error = Assert.Throws<InputException>(() => encoder.forward(features));

        Assert.Contains("frequency resize restores the original frame count", error.Message);
    }

    [Fact]
    public void Image_rows_are_chunk_times_mels_plus_mel_and_columns_the_frame_in_the_chunk()
    {
        using var encoder = new ClapAudioEncoder(ClapConfig.HtsatUnfused.AudioConfig, META);
        // Value = frame·64 + mel, so every pixel says where it came from.
        using var features = arange(1024 * 64, dtype: ScalarType.Float32).reshape(1, 1, 1024, 64);

        using var image = encoder.ReshapeMel2Img(features);

        foreach (var (chunk, mel, frame) in new[] { (0, 0, 0), (1, 5, 7), (3, 63, 255), (2, 10, 100) })
            Assert.Equal((chunk * 256 + frame) * 64 + mel, image[0, 0, chunk * 64 + mel, frame].item<float>());
    }

    [Fact]
    public void Shift_mask_separates_the_three_bands_of_a_shifted_grid()
    {
        var mask = ClapAudioLayer.ShiftMask(16, 16, 8, 4);

        Assert.Equal(4 * 64 * 64, mask.Length);
        // Window 0 (top-left) lies wholly in band (0, 0): nothing masked.
        Assert.All(mask.Take(64 * 64), value => Assert.Equal(0f, value));
        // Window 3 (bottom-right) mixes bands 1 and 2 on both axes: token (0,0) and token (7,7) differ.
        var window3 = mask.Skip(3 * 64 * 64).Take(64 * 64).ToArray();
        Assert.Equal(-100f, window3[0 * 64 + 63]);
        Assert.Equal(0f, window3[0 * 64 + 1]);
        Assert.Equal(-100f, window3[0 * 64 + 4]);
        Assert.Equal(0f, window3[63 * 64 + 36]);
    }

    [Fact]
    public void Relative_position_index_follows_the_swin_formula()
    {
        using var index = ClapAudioSelfAttention.RelativePositionIndex(8);

        Assert.Equal([64L, 64], index.shape);
        Assert.Equal(7 * 15 + 7, index[0, 0].item<long>());
        Assert.Equal(0, index[0, 63].item<long>());
        Assert.Equal(224, index[63, 0].item<long>());
        Assert.Equal((3 - 1 + 7) * 15 + (2 - 6 + 7), index[3 * 8 + 2, 1 * 8 + 6].item<long>());
    }

    [Fact]
    public void The_last_stage_of_the_published_model_attends_its_whole_grid_unshifted()
    {
        using var encoder = new ClapAudioEncoder(ClapConfig.HtsatUnfused.AudioConfig, META);

        var shifts = encoder.layers.Select(stage => stage.blocks.Select(block => (block.ShiftSize, block.WindowSize)).ToArray()).ToArray();

        Assert.Equal([(0, 8), (4, 8)], shifts[0]);
        Assert.Equal([(0, 8), (4, 8), (0, 8), (4, 8), (0, 8), (4, 8)], shifts[2]);
        Assert.Equal([(0, 8), (0, 8)], shifts[3]);
    }
}
