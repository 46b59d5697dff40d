using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Models.Inception;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class InceptionNetworkParityTests(GeneratedFidWeights weights, ITestOutputHelper output)
    : IClassFixture<GeneratedFidWeights>
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Preprocessing_matches_pytorch_fid_when_upsampling_and_when_shrinking_one_side()
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("inception_full_generated.safetensors"));
        foreach (var (input, expected) in new[] { ("input", "resized_normalized"), ("resize2_input", "resize2_resized_normalized") })
        {
            using var images = file.Load(input);
            using var reference = file.Load(expected);
            using var prepared = PytorchFidPreprocessing.Instance.Prepare(images);
            output.WriteLine(TensorAssert.Close(prepared, reference, atol: 1e-5, name: expected).ToString());
        }
    }

    [Fact]
    public void Network_loaded_from_the_legacy_pth_matches_every_stage_block_and_pool3()
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("inception_full_generated.safetensors"));
        using var network = FidInceptionWeights.Load(weights.PthPath);
        using var images = file.Load("input");
        using var noGrad = no_grad();
        using var prepared = PytorchFidPreprocessing.Instance.Prepare(images);

        var stageMeans = new Dictionary<string, Tensor>();
        var blocks = network.Blocks(prepared, lastBlock: 3, (name, stage) => stageMeans[name] = stage.mean([2, 3]).DetachFromDisposeScope());
        try
        {
            Assert.Equal(file.Names.Count(n => n.StartsWith("stage_mean.", StringComparison.Ordinal)), stageMeans.Count);
            foreach (var (name, mean) in stageMeans)
                Check(file, $"stage_mean.{name}", mean);
            for (var i = 0; i < 3; i++)
            {
                using var pooled = nn.functional.adaptive_avg_pool2d(blocks[i], 1).flatten(1);
                Check(file, $"block{i}_avg", pooled);
            }
            using var pool3 = blocks[3].flatten(1);
            Check(file, "pool3", pool3);
            Check(file, "pool3_f64", pool3);
        }
        finally
        {
            foreach (var tensor in stageMeans.Values.Concat(blocks))
                tensor.Dispose();
        }
    }

    [Fact]
    public void Feature_extractor_splits_batches_and_returns_pool3_in_float64()
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("inception_full_generated.safetensors"));
        using var extractor = FidFeatureExtractor.Load(weights.PthPath);
        var oneAtATime = new FidFeatureExtractor(FidInceptionWeights.Load(weights.PthPath)) { BatchSize = 1 };
        using var images = file.Load("input");
        var progress = new List<int>();

        var together = extractor.Extract([images]);
        var split = oneAtATime.Extract([images], new Progress(progress));
        oneAtATime.Dispose();

        Assert.Equal([1, 2], progress);
        Assert.Equal(2, together.Count);
        Assert.Equal(Inception3.Pool3Features, together.Dimensions);
        Assert.Equal(extractor.FeatureSpace, together.FeatureSpace);
        using var expected = file.Load("pool3_f64");
        using var actual = together.ToTensor();
        using var actualSplit = split.ToTensor();
        Assert.Equal(ScalarType.Float64, actual.dtype);
        output.WriteLine(TensorAssert.Close(actual, expected, Tolerance, Tolerance, "extractor pool3").ToString());
        output.WriteLine(TensorAssert.Close(actualSplit, actual, 1e-5, 1e-5, "batch 1 vs batch 50").ToString());
    }

    [Fact]
    public void Convert_verb_writes_safetensors_holding_the_same_tensors()
    {
        var converted = weights.File("fid-inception.safetensors");

        var (code, json, error) = Cli.EngineCliTests.Run("convert-fid-weights", "--input", weights.PthPath, "--output", converted);

        Assert.True(code == 0, error);
        Assert.Contains("\"tensors\":472", json);
        Assert.Contains("\"name_hash_matches\":null", json);
        using var original = Checkpoint.FromTensors("generated", FidFix.Generate("Mixed_7c.branch_pool"));
        using var safetensors = Checkpoint.Open(converted);
        Assert.Equal(472, safetensors.Keys.Count);
        foreach (var key in original.Keys)
        {
            using var expected = original.Load(key);
            using var actual = safetensors.Load(key);
            using var same = expected.eq(actual).all();
            Assert.True(same.item<bool>(), key);
        }
        using var network = FidInceptionWeights.Load(converted);
        Assert.Equal(0.001, network.Mixed_7c.branch_pool.bn.eps);
    }

    [Fact]
    public void Convert_verb_warns_when_the_hash_in_the_file_name_does_not_match_the_content()
    {
        var misnamed = weights.File(FidInceptionWeights.UpstreamFileName);
        if (!File.Exists(misnamed))
            File.CreateSymbolicLink(misnamed, weights.PthPath);

        var (code, json, error) = Cli.EngineCliTests.Run("convert-fid-weights", "--input", misnamed, "--output", weights.File("misnamed.safetensors"));

        Assert.Equal(0, code);
        Assert.Contains("\"name_hash_matches\":false", json);
        Assert.Contains("may not be the file pytorch-fid publishes", error);
    }

    private void Check(SafeTensorsFile file, string name, Tensor actual)
    {
        using var expected = file.Load(name);
        output.WriteLine(TensorAssert.Close(actual, expected, Tolerance, Tolerance, name).ToString());
    }

    private sealed class Progress(List<int> seen) : IProgress<int>
    {
        public void Report(int value) => seen.Add(value);
    }
}
