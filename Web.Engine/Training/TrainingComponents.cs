using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;

namespace Clap2Diffusion.Engine.Training;

/// <summary>The frozen networks a training run loads once: the diffusers model, CLAP, their settings and hashes.</summary>
public sealed class TrainingComponents : IDisposable
{
    private TrainingComponents(string modelFolder, CLIPTokenizer tokenizer, CLIPTextModel textEncoder, UNet2DConditionModel unet,
        AutoencoderKL vae, SchedulerConfig schedulerConfig, PipelineSettings pipelineSettings, ClapConditioner clap, string unetHash,
        string modelFingerprint, ComputeTarget target)
    {
        ModelFolder = modelFolder;
        Tokenizer = tokenizer;
        TextEncoder = textEncoder;
        UNet = unet;
        Vae = vae;
        SchedulerConfig = schedulerConfig;
        PipelineSettings = pipelineSettings;
        Clap = clap;
        UNetHash = unetHash;
        ModelFingerprint = modelFingerprint;
        Target = target;
    }

    public string ModelFolder { get; }
    public CLIPTokenizer Tokenizer { get; }
    public CLIPTextModel TextEncoder { get; }
    public UNet2DConditionModel UNet { get; }
    public AutoencoderKL Vae { get; }
    public SchedulerConfig SchedulerConfig { get; }
    public PipelineSettings PipelineSettings { get; }
    public ClapConditioner Clap { get; }
    public string UNetHash { get; }

    /// <summary>Hashes of every frozen weight file the cached features depend on.</summary>
    public string ModelFingerprint { get; }

    public ComputeTarget Target { get; }

    public int DefaultResolution => (UNet.Config.SampleSize ?? 64) * (1 << (Vae.Config.BlockOutChannels.Length - 1));

    public static TrainingComponents Load(string? model, string? clap, ComputeTarget target)
    {
        var modelFolder = EmbeddedModel.Require(model);
        var folder = DiffusersPipelineFolder.Open(modelFolder);
        var clapFolder = clap ?? Path.Combine(modelFolder, "clap");
        if (!Directory.Exists(clapFolder))
            throw new InputException($"no CLAP folder at {clapFolder}; pass --clap DIR (a transformers CLAP folder)");

        string Hash(string component, string baseName) => ModelHash.OfFiles(WeightFiles.Locate(folder.ComponentFolder(component), baseName));
        var unetHash = Hash("unet", WeightFiles.Diffusers);
        var fingerprint = string.Join("|", unetHash, Hash("vae", WeightFiles.Diffusers), Hash("text_encoder", WeightFiles.Transformers),
            ModelHash.OfFile(Path.Combine(folder.ComponentFolder("tokenizer"), "vocab.json")));

        var tokenizer = CLIPTokenizer.FromPretrained(folder.ComponentFolder("tokenizer"));
        var textEncoder = CLIPTextModel.FromPretrained(folder.ComponentFolder("text_encoder"), target);
        var unet = UNet2DConditionModel.FromPretrained(folder.ComponentFolder("unet"), target);
        var vae = AutoencoderKL.FromPretrained(folder.ComponentFolder("vae"), target);
        var schedulerConfig = SchedulerConfig.Read(Path.Combine(folder.ComponentFolder("scheduler"), "scheduler_config.json"));
        var conditioner = ClapConditioner.Load(clapFolder, target);
        return new TrainingComponents(modelFolder, tokenizer, textEncoder, unet, vae, schedulerConfig, PipelineSettings.Read(modelFolder),
            conditioner, unetHash, fingerprint, target);
    }

    /// <summary>SHA-256 over every parameter and buffer of the frozen networks, in key order.</summary>
    public string FrozenFingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var module in new TorchSharp.torch.nn.Module[] { TextEncoder, UNet, Vae })
            foreach (var (key, tensor) in module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
                using var scope = TorchSharp.torch.NewDisposeScope();
                var cpu = tensor.detach().cpu().contiguous();
                hash.AppendData(cpu.bytes);
            }
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Clap.ParameterFingerprint()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        TextEncoder.Dispose();
        UNet.Dispose();
        Vae.Dispose();
        Clap.Dispose();
    }
}
