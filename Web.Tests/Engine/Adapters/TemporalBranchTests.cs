using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Adapters;

// Two adapters built after the same manual_seed must draw the same weights: no other test may draw in between.
[Collection(GlobalRandomCollection.Name)]
public sealed class TemporalBranchTests
{
    private const int FrameWidth = 16;
    private const int Frames = 32;

    private static readonly V4AdapterConfig Temporal = V4Fixture.TinyAdapters with
    {
        Temporal = true, TemporalDim = FrameWidth, TemporalChannels = 4, TemporalKernels = [3, 5], TemporalDilations = [1, 4],
    };

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Tensor RandomFrames(int batch = 2, long seed = 4) => randn([batch, FrameWidth, Frames], generator: new Generator((ulong)seed));

    private static void Randomize(nn.Module module, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        foreach (var parameter in module.parameters())
            parameter.copy_(randn(parameter.shape, generator: generator).mul(Scalars.Half));
    }

    [Fact]
    public void The_branch_maps_frames_to_one_addition_per_level()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, Temporal);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var branch = adapters.audio_encoder.temporal!;

        var additions = branch.forward(RandomFrames(batch: 3));

        Assert.Equal(new long[] { 3, 3, V4Fixture.ClapDim }, additions.shape);
        // Dilated convolutions keep the frame count, so every scale pools over the whole clip.
        Assert.All(branch.convs, conv => Assert.Equal(Frames, conv.call(RandomFrames()).shape[^1]));
        Assert.Equal(0f, additions.abs().max().item<float>());
    }

    [Fact]
    public void Temporal_keys_exist_only_when_the_branch_is_on()
    {
        using var unet = V4Fixture.UNet();
        using var off = V4Fixture.Adapters(unet);
        using var on = V4Fixture.Adapters(unet, Temporal);

        var offKeys = off.state_dict().Keys.ToHashSet();
        var added = on.state_dict().Where(kv => !offKeys.Contains(kv.Key)).Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]");

        Assert.DoesNotContain(offKeys, k => k.Contains("temporal", StringComparison.Ordinal));
        Assert.Equal(
        [
            "audio_encoder.temporal.convs.0.weight [4, 16, 3]",
            "audio_encoder.temporal.convs.0.bias [4]",
            "audio_encoder.temporal.convs.1.weight [4, 16, 5]",
            "audio_encoder.temporal.convs.1.bias [4]",
            // Mean and max of each of the 2 scales' 4 channels, to one addition of clap_dim 12 per level.
            "audio_encoder.temporal.proj_out.weight [36, 16]",
            "audio_encoder.temporal.proj_out.bias [36]",
        ], added);
        Assert.Contains(on.TrainableParts(), p => p.Part == "audio_encoder.temporal (2 scales)" && p.Parameters == 2 * 4 + 4 * FrameWidth * 8 + 3 * 12 * 17);
        Assert.DoesNotContain(off.TrainableParts(), p => p.Part.StartsWith("audio_encoder.temporal", StringComparison.Ordinal));
    }

    [Fact]
    public void The_branch_leaves_every_other_weight_as_it_starts_without_it()
    {
        using var unet = V4Fixture.UNet();
        using var off = V4Fixture.Adapters(unet);
        using var on = V4Fixture.Adapters(unet, Temporal);
        var onWeights = on.state_dict();

        Assert.All(off.state_dict(), kv => Assert.True(Same(kv.Value, onWeights[kv.Key]), $"{kv.Key} starts differently with the branch"));
    }

    [Fact]
    public void An_untrained_branch_leaves_the_tokens_exactly_unchanged_and_a_trained_one_hears_the_frames()
    {
        using var unet = V4Fixture.UNet();
        using var off = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { LevelViews = true });
        using var on = V4Fixture.Adapters(unet, Temporal with { LevelViews = true });
        var inputs = V4Fixture.Inputs();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var without = off.audio_encoder.forward(inputs.Audio);
        var untrained = on.audio_encoder.forward(inputs.Audio, frames: RandomFrames());
        Assert.True(Same(without.Full, untrained.Full) && Same(without.Foreground, untrained.Foreground)
            && Same(without.Background, untrained.Background) && Same(without.Ambience, untrained.Ambience));

        Randomize(on.audio_encoder.temporal!.proj_out, 6);
        var trained = on.audio_encoder.forward(inputs.Audio, frames: RandomFrames());
        var otherFrames = on.audio_encoder.forward(inputs.Audio, frames: RandomFrames(seed: 5));
        Assert.False(Same(without.Foreground, trained.Foreground), "a trained branch changes nothing");
        Assert.False(Same(trained.Foreground, otherFrames.Foreground), "the tokens do not depend on the frames");
        Assert.False(Same(on.audio_encoder.LevelViews(inputs.Audio, RandomFrames()), off.audio_encoder.LevelViews(inputs.Audio)),
            "the level views, which the level loss trains, do not see the branch");
    }

    [Fact]
    public void A_branch_without_frames_is_refused()
    {
        using var unet = V4Fixture.UNet();
        using var on = V4Fixture.Adapters(unet, Temporal);
        using var scope = NewDisposeScope();

        var error = Assert.Throws<InvalidOperationException>(() => on.audio_encoder.forward(V4Fixture.Inputs().Audio));

        Assert.Contains("frame features", error.Message);
    }

    [Fact]
    public void At_initialisation_the_output_projection_learns_and_then_the_convolutions_do()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, Temporal with { GateActivation = "tanh", GateInit = 0.5 });
        var branch = adapters.audio_encoder.temporal!;
        double Norm(Tensor? grad) => grad is null ? 0 : grad.norm().item<float>();

        using (var scope = NewDisposeScope())
        {
            var inputs = V4Fixture.Inputs();
            var tokens = adapters.audio_encoder.forward(inputs.Audio, frames: RandomFrames());
            var hook = new AudioAdapterHook(adapters, tokens, ones(2), new AudioStrength());
            var output = unet.forward(inputs.Sample, inputs.Timestep, inputs.Context, new UNetHooks { TransformerBlocks = hook });
            Backpropagation.Run(output.pow(Scalars.Two).mean());
        }

        // Like a LoRA's B: the zero projection passes no gradient back, but receives one, so training opens it.
        Assert.True(Norm(branch.proj_out.parameters().First().grad) > 0);
        Assert.All(branch.convs, conv => Assert.Equal(0.0, Norm(conv.weight!.grad)));
    }

    [Fact]
    public void Frames_over_time_run_in_the_clips_time_order()
    {
        var config = new ClapAudioConfig
        {
            NumMelBins = 32, SpecSize = 128, PatchSize = [4, 4], PatchStride = [4, 4], HiddenSize = 128, PatchEmbedsHiddenSize = 32,
            Depths = [1, 1, 1], NumAttentionHeads = [2, 4, 8], WindowSize = 8, ProjectionDim = 64,
        };
        using var encoder = new ClapAudioEncoder(config);
        using var scope = NewDisposeScope();
        var (rows, columns) = config.StageResolution(config.StageCount - 1);
        var binsPerChunk = rows / config.FreqRatio;
        // Final token (row, column): chunk row / binsPerChunk of the clip, column within it. Its time index is its value.
        var time = new float[rows * columns];
        for (var row = 0; row < rows; row++)
            for (var column = 0; column < columns; column++)
                time[row * columns + column] = row / binsPerChunk * columns + column;
        var tokens = tensor(time).view(1, rows * columns, 1).expand(1, -1, 2).contiguous();

        var frames = ClapAudioEncoder.FramesOverTime(encoder.GroupByFrequency(tokens));

        Assert.Equal(new long[] { 1, 2, config.FreqRatio * columns }, frames.shape);
        Assert.Equal(Enumerable.Range(0, config.FreqRatio * columns).Select(t => (float)t), frames[0, 0].data<float>().ToArray());
    }
}
