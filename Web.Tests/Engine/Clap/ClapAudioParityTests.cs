using Clap2Diffusion.Engine.Models.Clap;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>HTSAT against the float64 references of clap_tiny, every stage, loaded through FromPretrained.</summary>
public sealed class ClapAudioParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Every_encoder_stage_matches_the_reference()
    {
        using var model = ClapModel.FromPretrained(ClapTinyFixture.Folder);
        using var io = ClapTinyFixture.OpenAudio();
        using var features = io.Load("input_features");
        var encoder = model.audio_model.audio_encoder;
        var seen = new List<string>();

        using var _ = no_grad();
        using var output = encoder.Encode(features, (name, tensor) =>
        {
            seen.Add(name);
            ClapTinyFixture.Check(io, name, tensor, ClapTinyFixture.AudioAtol(name), log);
            if (name == "after_reshape_mel2img")
                ClapTinyFixture.Check(io, name + ".torch_fp32", tensor, ClapTinyFixture.AudioAtol(name), log);
        });

        Assert.Equal(encoder.StageNames, seen);
        ClapTinyFixture.Check(io, "last_hidden_state", output.LastHiddenState, 5e-4, log);
        ClapTinyFixture.Check(io, "pooler_output", output.PoolerOutput, 1e-4, log);
    }

    [Fact]
    public void Audio_embeds_are_unnormalised_and_audio_features_are_unit_length()
    {
        using var model = ClapModel.FromPretrained(ClapTinyFixture.Folder);
        using var audioOnly = ClapAudioModelWithProjection.FromPretrained(ClapTinyFixture.Folder);
        using var io = ClapTinyFixture.OpenAudio();
        using var features = io.Load("input_features");

        using var _ = no_grad();
        using var embeds = audioOnly.forward(features);
        using var fromAudioModel = audioOnly.GetAudioFeatures(features);
        using var fromFullModel = model.GetAudioFeatures(features);

        ClapTinyFixture.Check(io, "audio_embeds", embeds.AudioEmbeds, 1e-4, log);
        ClapTinyFixture.Check(io, "pooler_output", embeds.PoolerOutput, 1e-4, log);
        ClapTinyFixture.Check(io, "last_hidden_state", embeds.LastHiddenState, 5e-4, log);
        ClapTinyFixture.Check(io, "audio_features", fromAudioModel, 1e-4, log);
        ClapTinyFixture.Check(io, "audio_features", fromFullModel, 1e-4, log);
        using var lengths = embeds.AudioEmbeds.square().sum(1).sqrt();
        Assert.True(lengths.sub(1).abs().min().item<float>() > 1e-3, "audio_embeds must not be normalised");
    }

    [Fact]
    public void A_batch_gives_each_clip_the_embedding_it_gets_alone()
    {
        using var model = ClapAudioModelWithProjection.FromPretrained(ClapTinyFixture.Folder);
        using var io = ClapTinyFixture.OpenAudio();
        using var features = io.Load("input_features");

        using var _ = no_grad();
        using var batched = model.GetAudioEmbeds(features);
        using var second = features.narrow(0, 1, 1);
        using var alone = model.GetAudioEmbeds(second);
        using var batchedSecond = batched.narrow(0, 1, 1);

        Clap2Diffusion.Tests.Infrastructure.TensorAssert.Close(batchedSecond, alone, 1e-5, 0, "batch row 1 vs alone");
    }
}
