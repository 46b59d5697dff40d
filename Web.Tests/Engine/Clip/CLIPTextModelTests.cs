using Xunit.Abstractions;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Clip;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clip;

public sealed class CLIPTextModelTests(ITestOutputHelper output)
{
    [Fact]
    public void Text_tower_matches_the_reference_at_every_stage()
    {
        using var model = CLIPTextModel.FromPretrained(ClipParity.Folder("clip_text_tiny"));
        var expected = ClipParity.Reference("clip_text_tiny");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var ids = expected["input_ids"];
        var result = model.forward(ids, output_hidden_states: true);

        Assert.Equal(3, result.HiddenStates!.Count);
        for (var i = 0; i < 3; i++)
            ClipParity.Check(output, $"hidden_states.{i}", result.HiddenStates[i], expected[$"hidden_states.{i}"]);
        ClipParity.Check(output, "last_hidden_state", result.LastHiddenState, expected["last_hidden_state"]);
        ClipParity.Check(output, "pooler_output", result.PoolerOutput, expected["pooler_output"]);
        Assert.Equal(expected["pooled_index"].data<long>().ToArray(), model.text_model.PooledIndex(ids).data<long>().ToArray());
        ClipParity.Check(output, "clip_skip_1", model.PromptEmbeddings(ids, clip_skip: 1), expected["clip_skip_1"]);
        ClipParity.Check(output, "prompt_embeds", model.PromptEmbeddings(ids), expected["last_hidden_state"]);
    }

    [Fact]
    public void Padding_mask_leaves_every_position_up_to_the_end_token_unchanged()
    {
        using var model = CLIPTextModel.FromPretrained(ClipParity.Folder("clip_text_tiny"));
        var expected = ClipParity.Reference("clip_text_tiny");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var ids = expected["input_ids"];
        var positions = arange(ids.shape[1]).unsqueeze(0);
        var mask = (positions <= expected["pooled_index"].unsqueeze(1)).to_type(ScalarType.Int64);
        var result = model.forward(ids, mask);

        ClipParity.Check(output, "pooler_output (masked)", result.PoolerOutput, expected["pooler_output"]);
        var real = mask.to_type(ScalarType.Bool).unsqueeze(-1).expand_as(result.LastHiddenState);
        ClipParity.Check(output, "last_hidden_state (masked, real rows)", result.LastHiddenState.masked_select(real),
            expected["last_hidden_state"].masked_select(real));
    }

    [Fact]
    public void Pooling_uses_the_first_eos_when_the_config_names_the_real_eos_id()
    {
        using var model = new CLIPTextModel(new CLIPTextConfig
        {
            VocabSize = 10, HiddenSize = 8, IntermediateSize = 12, NumHiddenLayers = 1, NumAttentionHeads = 2,
            MaxPositionEmbeddings = 6, EosTokenId = 7,
        });
        using var ids = tensor(new long[] { 8, 3, 7, 9, 7, 7, 8, 3, 4, 5, 1, 2 }, [2, 6]);
        using var index = model.text_model.PooledIndex(ids);

        Assert.Equal([2L, 0], index.data<long>().ToArray());
    }

    [Fact]
    public void Bad_inputs_are_refused_with_a_message()
    {
        using var model = new CLIPTextModel(new CLIPTextConfig
        {
            VocabSize = 10, HiddenSize = 8, IntermediateSize = 12, NumHiddenLayers = 1, NumAttentionHeads = 2,
            MaxPositionEmbeddings = 4,
        });
        using var tooLong = zeros([1, 5], ScalarType.Int64);
        using var outOfVocabulary = full([1, 3], 10L, ScalarType.Int64);

        Assert.Contains("at most 4", Assert.Throws<InputException>(() => model.forward(tooLong)).Message);
        Assert.Contains("vocabulary", Assert.Throws<InputException>(() => model.forward(outOfVocabulary)).Message);
        Assert.Contains("clip_skip", Assert.Throws<InputException>(() => model.PromptEmbeddings(zeros([1, 3], ScalarType.Int64), 2)).Message);
        Assert.Throws<InputException>(() => new CLIPTextModel(new CLIPTextConfig { HiddenSize = 10, NumAttentionHeads = 3 }));
        Assert.Throws<InputException>(() => new CLIPTextModel(new CLIPTextConfig { HiddenAct = "relu" }));
    }

    [Fact]
    public void A_full_clip_config_yields_its_text_config_with_legacy_dict_values_winning()
    {
        using var folder = new Infrastructure.TempFolder("clip-config");
        File.WriteAllText(folder.File("config.json"), """
            {"model_type": "clip", "projection_dim": 768,
             "text_config": {"hidden_size": 512, "num_attention_heads": 8, "eos_token_id": 2, "layer_norm_eps": 1e-05},
             "text_config_dict": {"hidden_size": 768, "num_attention_heads": 12}}
            """);

        var config = CLIPConfig.ReadText(folder.File("config.json"));

        Assert.Equal(768, config.HiddenSize);
        Assert.Equal(12, config.NumAttentionHeads);
        Assert.Equal(2, config.EosTokenId);
    }

    [Fact]
    public void A_folder_without_weights_is_refused_with_a_message()
    {
        using var folder = new Infrastructure.TempFolder("clip-no-weights");
        File.Copy(Path.Combine(ClipParity.Folder("clip_text_tiny"), "config.json"), folder.File("config.json"));
        File.WriteAllText(folder.File("pytorch_model.bin"), "pickle");

        var error = Assert.Throws<InputException>(() => CLIPTextModel.FromPretrained(folder.Path));
        Assert.Contains("pytorch_model.bin", error.Message);
    }
}
