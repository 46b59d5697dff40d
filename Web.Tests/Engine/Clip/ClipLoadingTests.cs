using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clip;

public sealed class ClipLoadingTests : IDisposable
{
    private readonly TempFolder folder = new("clip-loading");

    public void Dispose() => folder.Dispose();

    // Writes clip_text_tiny's weights into the temp folder, changed by the given edit.
    private void WriteVariant(Action<Dictionary<string, Tensor>> edit)
    {
        File.Copy(Path.Combine(ClipParity.Folder("clip_text_tiny"), "config.json"), folder.File("config.json"), overwrite: true);
        using var source = SafeTensorsFile.Open(Path.Combine(ClipParity.Folder("clip_text_tiny"), "model.safetensors"));
        var tensors = source.Names.ToDictionary(name => name, name => source.Load(name));
        edit(tensors);
        SafeTensorsWriter.Save(folder.File("model.safetensors"), tensors);
        foreach (var tensor in tensors.Values)
            tensor.Dispose();
    }

    [Fact]
    public void Stored_position_ids_are_ignored_and_recomputed()
    {
        WriteVariant(tensors => tensors["text_model.embeddings.position_ids"] = arange(77L).unsqueeze(0));

        using var model = CLIPTextModel.FromPretrained(folder.Path);

        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(model.training);
    }

    [Fact]
    public void A_missing_or_misshaped_tensor_is_named()
    {
        WriteVariant(tensors =>
        {
            tensors.Remove("text_model.final_layer_norm.bias");
            tensors["text_model.encoder.layers.0.mlp.fc1.weight"] = zeros(36, 32);
        });

        var error = Assert.Throws<WeightsMismatchException>(() => CLIPTextModel.FromPretrained(folder.Path));

        Assert.Contains("text_model.final_layer_norm.bias", error.Message);
        Assert.Contains("text_model.encoder.layers.0.mlp.fc1.weight", error.Message);
    }

    [Fact]
    public void Sharded_weights_load_through_their_index()
    {
        WriteVariant(_ => { });
        File.Move(folder.File("model.safetensors"), folder.File("model-00001-of-00001.safetensors"));
        using (var shard = SafeTensorsFile.Open(folder.File("model-00001-of-00001.safetensors")))
            File.WriteAllText(folder.File("model.safetensors.index.json"),
                "{\"weight_map\": {" + string.Join(", ", shard.Names.Select(n => $"\"{n}\": \"model-00001-of-00001.safetensors\"")) + "}}");

        using var model = CLIPTextModel.FromPretrained(folder.Path);

        Assert.Equal(2, model.text_model.encoder.layers.Count);
    }

    [Fact]
    public void A_shard_outside_the_folder_is_refused()
    {
        File.Copy(Path.Combine(ClipParity.Folder("clip_text_tiny"), "config.json"), folder.File("config.json"));
        File.WriteAllText(folder.File("model.safetensors.index.json"), """{"weight_map": {"a": "../elsewhere.safetensors"}}""");

        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() => CLIPTextModel.FromPretrained(folder.Path));
        Assert.Contains("not a file name in the folder", error.Message);
    }
}
