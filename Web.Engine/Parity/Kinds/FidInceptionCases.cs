using System.Text.Json;
using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Models.Inception;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity.Kinds;

/// <summary>
/// The FID InceptionV3 fixtures: single blocks, the whole network with fidfix-v1 weights, and the generator's own
/// checksums. Tolerances from the README: outputs, pool3, block averages and stage means atol 1e-4 with rtol 1e-4;
/// the resize + 2x−1 inputs 1e-5; generator first/last elements exact and sums rtol 1e-9.
/// </summary>
internal static class FidInceptionCases
{
    private static readonly ParityTolerance Output = ParityTolerance.Absolute(1e-4, 1e-4);

    public static void Block(ReferenceFile file, ParityRun run)
    {
        var key = file.Meta("module_key");
        using var block = CreateBlock(file);
        using (var checkpoint = Checkpoint.FromTensors(file.File.Path, BlockWeights(file, block, key + "."),
            new KeyTranslation("fixture block", name => name[(key.Length + 1)..])))
            StrictLoader.Load(block, checkpoint);
        block.eval();

        using var noGrad = no_grad();
        using var input = file.Load("input");
        using var output = block.call(input);
        run.Compare(file, "output", output, Output);
    }

    public static void Network(ReferenceFile file, ParityRun run)
    {
        RequireGenerated(file, "weights");
        using var network = new Inception3();
        using (var checkpoint = Checkpoint.FromTensors(FidFixWeights.GeneratorName, FidFixWeights.Generate()))
            StrictLoader.Load(network, checkpoint);
        network.eval();

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var prepared = PytorchFidPreprocessing.Instance.Prepare(file.Load("input"));
        run.Compare(file, "resized_normalized", prepared, ParityTolerance.Absolute(1e-5));
        if (file.Contains("resize2_input"))
            run.Compare(file, "resize2_resized_normalized", PytorchFidPreprocessing.Instance.Prepare(file.Load("resize2_input")),
                ParityTolerance.Absolute(1e-5));

        var blocks = network.Blocks(prepared, lastBlock: 3, (stage, x) =>
        {
            if (file.Contains("stage_mean." + stage))
            {
                using var mean = x.mean([2, 3]);
                run.Compare(file, "stage_mean." + stage, mean, Output);
            }
        });
        for (var i = 0; i < 3; i++)
            if (file.Contains($"block{i}_avg"))
                run.Compare(file, $"block{i}_avg", nn.functional.adaptive_avg_pool2d(blocks[i], 1).flatten(1), Output);
        var pool3 = blocks[3].flatten(1);
        run.Compare(file, "pool3", pool3, Output);
        if (file.Contains("pool3_f64"))
            run.Compare(file, "pool3_f64", pool3, Output);
    }

    /// <summary>First element, last element, sum and sum of squares of every generated key, in the fixture's key order.</summary>
    public static void GeneratorCheck(ReferenceFile file, ParityRun run)
    {
        var shapes = FidFixWeights.InceptionKeys().ToDictionary(k => k.Key, k => k.Shape, StringComparer.Ordinal);
        var keys = file.Meta("keys").Split('\n');
        var checks = new double[keys.Length * 4];
        for (var row = 0; row < keys.Length; row++)
        {
            if (!shapes.TryGetValue(keys[row], out var shape))
                throw new InputException($"{file.File.Path} lists '{keys[row]}', which is not a key of the FID network");
            var values = FidFixWeights.Values(keys[row], shape);
            double sum = 0, squares = 0;
            foreach (var v in values)
            {
                sum += v;
                squares += (double)v * v;
            }
            (checks[row * 4], checks[row * 4 + 1], checks[row * 4 + 2], checks[row * 4 + 3]) = (values[0], values[^1], sum, squares);
        }

        using var scope = NewDisposeScope();
        var ours = tensor(checks, [keys.Length, 4], ScalarType.Float64);
        var reference = file.Load("checks");
        var name = file.QualifiedName("checks");
        run.Compare($"{name}[:,0:2]", ours[.., ..2], reference[.., ..2], ParityTolerance.Identical, keep: false);
        run.Compare($"{name}[:,2:4]", ours[.., 2..], reference[.., 2..], ParityTolerance.Relative(1e-9), keep: false);
        run.Keep(name, ours, ScalarType.Float64);
    }

    private static nn.Module<Tensor, Tensor> CreateBlock(ReferenceFile file)
    {
        using var arguments = ConfigJson.ParseDocument(file.Meta("constructor"), $"{file.File.Path} constructor");
        long Argument(string name) =>
            arguments.RootElement.ValueKind == JsonValueKind.Object && arguments.RootElement.TryGetProperty(name, out var value)
                && value.TryGetInt64(out var number) && number is > 0 and <= 4096
                ? number
                : throw new InputException($"{file.File.Path}: the constructor metadata lacks a valid '{name}'");
        return file.Meta("class") switch
        {
            nameof(FIDInceptionA) => new FIDInceptionA(Argument("in_channels"), Argument("pool_features")),
            nameof(InceptionB) => new InceptionB(Argument("in_channels")),
            nameof(FIDInceptionC) => new FIDInceptionC(Argument("in_channels"), Argument("channels_7x7")),
            nameof(InceptionD) => new InceptionD(Argument("in_channels")),
            nameof(FIDInceptionE_1) => new FIDInceptionE_1(Argument("in_channels")),
            nameof(FIDInceptionE_2) => new FIDInceptionE_2(Argument("in_channels")),
            var other => throw new InputException($"{file.File.Path}: block class '{other}' is not one of the FID network's"),
        };
    }

    /// <summary>The block's weights under their full-network keys: stored in the file, or rebuilt by the generator.</summary>
    private static List<(string Name, Tensor Tensor)> BlockWeights(ReferenceFile file, nn.Module block, string prefix)
    {
        var stored = file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (stored.Count > 0)
            return stored.Select(n => (n, file.Load(n))).ToList();
        RequireGenerated(file, "generator");
        return StrictLoader.ExpectedShapes(block).Where(kv => !DerivedBuffers.IsDerived(kv.Key))
            .Select(kv => (prefix + kv.Key, FidFixWeights.Generate(prefix + kv.Key, kv.Value))).ToList();
    }

    private static void RequireGenerated(ReferenceFile file, string metadataKey)
    {
        if (!file.Meta(metadataKey).Contains(FidFixWeights.GeneratorName, StringComparison.Ordinal))
            throw new InputException($"{file.File.Path}: its weights come from '{file.Meta(metadataKey)}', not the {FidFixWeights.GeneratorName} generator this engine rebuilds");
    }
}
