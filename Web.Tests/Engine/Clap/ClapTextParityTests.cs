using Clap2Diffusion.Engine.Models.Clap;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>The RoBERTa branch, projections and logits against clap_tiny's io_text references.</summary>
public sealed class ClapTextParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Position_ids_count_real_tokens_from_the_padding_index()
    {
        using var io = ClapTinyFixture.OpenText();
        using var ids = io.Load("input_ids");

        using var positions = ClapTextEmbeddings.CreatePositionIds(ids, 1);

        ClapTinyFixture.Check(io, "position_ids", positions, 0, log);
    }

    [Fact]
    public void Embeddings_hidden_states_pooler_and_features_match_the_reference()
    {
        using var model = ClapModel.FromPretrained(ClapTinyFixture.Folder);
        using var io = ClapTinyFixture.OpenText();
        using var ids = io.Load("input_ids");
        using var mask = io.Load("attention_mask");

        using var _ = no_grad();
        using var embeddings = model.text_model.embeddings.forward(ids);
        using var encoded = model.text_model.forward(ids, mask);
        using var embeds = model.text_projection.forward(encoded.PoolerOutput);
        using var features = model.GetTextFeatures(ids, mask);

        ClapTinyFixture.Check(io, "embeddings", embeddings, 1e-4, log);
        ClapTinyFixture.Check(io, "last_hidden_state", encoded.LastHiddenState, 1e-4, log);
        ClapTinyFixture.Check(io, "pooler_output", encoded.PoolerOutput, 1e-4, log);
        ClapTinyFixture.Check(io, "text_embeds", embeds, 1e-4, log);
        ClapTinyFixture.Check(io, "text_features", features, 1e-4, log);
    }

    [Fact]
    public void Forward_gives_both_logit_matrices_with_their_own_scales()
    {
        using var model = ClapModel.FromPretrained(ClapTinyFixture.Folder);
        using var io = ClapTinyFixture.OpenText();
        using var audioIo = ClapTinyFixture.OpenAudio();
        using var ids = io.Load("input_ids");
        using var mask = io.Load("attention_mask");
        using var features = audioIo.Load("input_features");

        using var _ = no_grad();
        using var output = model.forward(ids, features, mask);

        ClapTinyFixture.Check(io, "text_features", output.TextEmbeds, 1e-4, log);
        ClapTinyFixture.Check(io, "audio_features", output.AudioEmbeds, 1e-4, log);
        ClapTinyFixture.Check(io, "logits_per_text", output.LogitsPerText, 1e-3, log);
        ClapTinyFixture.Check(io, "logits_per_audio", output.LogitsPerAudio, 1e-3, log);
    }

    [Fact]
    public void Padding_beyond_the_mask_does_not_change_a_prompts_features()
    {
        using var model = ClapModel.FromPretrained(ClapTinyFixture.Folder);
        using var io = ClapTinyFixture.OpenText();
        using var ids = io.Load("input_ids");
        using var mask = io.Load("attention_mask");

        using var _ = no_grad();
        using var padded = model.GetTextFeatures(ids, mask);
        // Row 0 has 7 real tokens: cut the batch down to that row and length.
        using var shortIds = ids.narrow(0, 0, 1).narrow(1, 0, 7);
        using var shortMask = mask.narrow(0, 0, 1).narrow(1, 0, 7);
        using var alone = model.GetTextFeatures(shortIds, shortMask);
        using var paddedRow = padded.narrow(0, 0, 1);

        Clap2Diffusion.Tests.Infrastructure.TensorAssert.Close(paddedRow, alone, 1e-5, 0, "row 0 padded vs alone");
    }
}
