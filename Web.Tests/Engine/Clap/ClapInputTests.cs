using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Clap;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>Bad inputs are refused with a message, before any computation.</summary>
public sealed class ClapInputTests : IDisposable
{
    private readonly ClapModel model = ClapModel.FromPretrained(ClapTinyFixture.Folder);

    public void Dispose() => model.Dispose();

    [Theory]
    [InlineData(new long[] { 1, 1001, 64 }, "must be (batch, 1, frames, mel_bins)")]
    [InlineData(new long[] { 1, 2, 1001, 64 }, "must be (batch, 1, frames, mel_bins)")]
    [InlineData(new long[] { 1, 1, 1025, 64 }, "1025 frames; the encoder takes 1 to 1024")]
    [InlineData(new long[] { 1, 1, 1001, 128 }, "128 mel bins; this model takes 64")]
    [InlineData(new long[] { 0, 1, 1001, 64 }, "must be (batch, 1, frames, mel_bins)")]
    public void Audio_features_of_the_wrong_shape_are_refused(long[] shape, string expected)
    {
        using var features = zeros(shape);

        var error = Assert.Throws<InputException>(() => model.GetAudioFeatures(features));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_full_1024_frame_input_needs_no_resize_and_a_short_one_is_stretched()
    {
        using var _ = no_grad();
        using var exact = randn(1, 1, 1024, 64);
        using var shortClip = randn(2, 1, 300, 64);

        using var fromExact = model.GetAudioFeatures(exact);
        using var fromShort = model.GetAudioFeatures(shortClip);

        Assert.Equal([1L, 24], fromExact.shape);
        Assert.Equal([2L, 24], fromShort.shape);
    }

    [Fact]
    public void Integer_audio_features_are_refused()
    {
        using var features = zeros([1, 1, 1001, 64], dtype: ScalarType.Int64);

        Assert.Contains("floating point", Assert.Throws<InputException>(() => model.GetAudioFeatures(features)).Message);
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_refused()
    {
        using var ids = tensor(new long[] { 0, 5, 1000, 2 }).unsqueeze(0);

        var error = Assert.Throws<InputException>(() => model.GetTextFeatures(ids));

        Assert.Contains("token id 1000, outside the vocabulary 0..999", error.Message);
    }

    [Fact]
    public void Prompts_longer_than_the_position_table_are_refused()
    {
        using var ids = full(1, 39, 5L);

        var error = Assert.Throws<InputException>(() => model.GetTextFeatures(ids));

        Assert.Contains("39 tokens; the text encoder takes at most 38", error.Message);
    }

    [Fact]
    public void Padding_does_not_count_towards_the_length_limit()
    {
        using var ids = cat([full(1, 38, 5L), ones(1, 20, dtype: ScalarType.Int64)], 1);
        using var _ = no_grad();

        using var features = model.GetTextFeatures(ids);

        Assert.Equal([1L, 24], features.shape);
    }

    [Theory]
    [InlineData(new long[] { 4 }, "must be (batch, tokens)")]
    [InlineData(new long[] { 1, 0 }, "at least one token")]
    public void Token_ids_of_the_wrong_shape_are_refused(long[] shape, string expected)
    {
        using var ids = zeros(shape, dtype: ScalarType.Int64);

        Assert.Contains(expected, Assert.Throws<InputException>(() => model.GetTextFeatures(ids)).Message);
    }

    [Fact]
    public void An_attention_mask_of_another_shape_is_refused()
    {
        using var ids = zeros([2, 5], dtype: ScalarType.Int64);
        using var mask = ones(2, 4);

        Assert.Contains("attention_mask [2, 4]", Assert.Throws<InputException>(() => model.GetTextFeatures(ids, mask)).Message);
    }
}
