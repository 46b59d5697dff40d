using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Parity;

public sealed class ParityVerbTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("diffusers/schedulers", "schedulers", 186)]
    [InlineData("diffusers/unet_dummy", "unet", 13)]
    [InlineData("diffusers/unet_mini", "unet", 21)]
    [InlineData("diffusers/vae_dummy", "vae", 34)]
    [InlineData("diffusers/vae_mini", "vae", 42)]
    [InlineData("diffusers/pipeline_dummy", "pipeline", 8)]
    [InlineData("transformers/clap_tiny", "clap", 26)]
    [InlineData("fid", "fid", 68)]
    [InlineData("clap-features", "clap-features", 30)]
    [InlineData("transformers/clip_text_tiny", "clip_text", 8)]
    [InlineData("transformers/clip_tiny", "clip", 14)]
    [InlineData("clip-tokenizer", "clip-tokenizer", 30)]
    public void Every_tensor_of_a_shared_fixture_passes(string leaf, string kind, int tensors)
    {
        var (code, lines, error) = ParityFixtures.Run(log, "--fixture", ParityFixtures.Leaf(leaf));

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains($"{kind} fixture", error);
        Assert.Equal(tensors, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^\S+ \S+ \S+ (exact|atol=\S+,rtol=\S+) PASS$", line));
        Assert.Contains($"{tensors} tensors compared, 0 failed", error);
    }

    [Fact]
    public void A_reference_moved_by_twice_its_tolerance_fails_that_tensor_alone()
    {
        using var temp = new TempFolder("parity-moved");
        var copy = Path.Combine(temp.Path, "schedulers");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("diffusers/schedulers"), copy);
        var target = Path.Combine(copy, "ddim.safetensors");
        float tolerance;
        using (var file = SafeTensorsFile.Open(target))
        using (var final = file.Load("loop.25.final_sample"))
            tolerance = 1e-5f * Math.Max(1, final.abs().max().item<float>());
        ParityFixtures.ShiftElement(target, "loop.25.final_sample", 17, 2 * tolerance);

        var (code, lines, error) = ParityFixtures.Run(log, "--fixture", copy);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.EndsWith(" FAIL", ParityFixtures.LineOf(lines, "ddim/loop.25.final_sample"));
        Assert.Single(lines, line => line.EndsWith(" FAIL", StringComparison.Ordinal));
        Assert.Contains("1 failed", error);
    }

    [Fact]
    public void Atol_and_rtol_replace_the_built_in_tolerances_but_integers_stay_exact()
    {
        using var temp = new TempFolder("parity-override");
        var copy = Path.Combine(temp.Path, "schedulers");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("diffusers/schedulers"), copy);
        ParityFixtures.ShiftElement(Path.Combine(copy, "ddim.safetensors"), "loop.25.final_sample", 3, 0.01f);

        var (loose, looseLines, _) = ParityFixtures.Run(log, "--fixture", copy, "--atol", "0.02", "--rtol", "0");
        var (strict, strictLines, _) = ParityFixtures.Run(log, "--fixture", copy, "--atol", "1e-12", "--rtol", "1e-12");

        Assert.Equal(ExitCodes.Success, loose);
        Assert.Contains("atol=0.02,rtol=0 PASS", ParityFixtures.LineOf(looseLines, "ddim/loop.25.final_sample"));
        Assert.Equal(ExitCodes.Failure, strict);
        Assert.Contains("atol=1E-12,rtol=1E-12 FAIL", ParityFixtures.LineOf(strictLines, "ddim/loop.20.samples"));
        Assert.EndsWith("exact PASS", ParityFixtures.LineOf(strictLines, "ddim/timesteps.20"));
    }

    [Fact]
    public void Out_writes_our_outputs_under_the_reference_names_from_a_copied_model_folder()
    {
        using var temp = new TempFolder("parity-out");
        var copy = Path.Combine(temp.Path, "renamed_clap_copy");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("transformers/clap_tiny"), copy);
        var outputs = temp.File("ours.safetensors");

        var (code, lines, _) = ParityFixtures.Run(log, "--fixture", copy, "--out", outputs);

        Assert.Equal(ExitCodes.Success, code);
        using var ours = SafeTensorsFile.Open(outputs);
        Assert.Equal("clap", ours.Metadata["kind"]);
        Assert.Equal(lines.Select(line => line.Split(' ')[0]).Order(), ours.Names.Order());
        using var audio = SafeTensorsFile.Open(Path.Combine(copy, "io_audio.safetensors"));
        using var expected = audio.Load("audio_features");
        using var actual = ours.Load("io_audio/audio_features");
        TensorAssert.Close(actual, expected, atol: 1e-4, name: "audio_features from --out");
        using var positions = ours.Load("io_text/position_ids");
        Assert.Equal(ScalarType.Int64, positions.dtype);
    }

    [Fact]
    public void A_folder_holding_part_of_a_multi_file_fixture_runs_that_part_and_names_what_it_left_unread()
    {
        using var temp = new TempFolder("parity-part");
        File.Copy(SharedData.PathOf("parity", "fid", "sd15_latent_preview.safetensors"), temp.File("sd15_latent_preview.safetensors"));

        var (code, lines, error) = ParityFixtures.Run(log, "--fixture", temp.Path);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("fid fixture", error);
        Assert.Equal(6, lines.Length);
        Assert.EndsWith("exact PASS", ParityFixtures.LineOf(lines, "sd15_latent_preview/comfyui.rgb_u8_hwc"));
        Assert.Contains("sd15_latent_preview.safetensors: not compared: comfyui.linear_hwc, a1111.linear_chw", error);
    }

    [Fact]
    public void An_unrecognised_folder_exits_2_and_lists_the_known_kinds()
    {
        using var temp = new TempFolder("parity-unknown");
        File.WriteAllText(temp.File("notes.txt"), "not a fixture");
        File.WriteAllBytes(temp.File("broken.safetensors"), [1, 2, 3]);

        var (code, lines, error) = ParityFixtures.Run(log, "--fixture", temp.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(lines);
        Assert.Contains("not a parity fixture folder of a known kind", error);
        foreach (var kind in new[] { "schedulers:", "unet:", "vae:", "pipeline:", "clap:", "fid:", "clap-features:", "clip_text:", "clip:", "clip-tokenizer:" })
            Assert.Contains(kind, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_missing_folder_and_negative_tolerances_exit_2()
    {
        using var temp = new TempFolder("parity-missing");

        var (missing, _, missingError) = ParityFixtures.Run(log, "--fixture", temp.File("absent"));
        var (negative, _, negativeError) = ParityFixtures.Run(log, "--fixture", ParityFixtures.Leaf("fid"), "--atol", "-1");

        Assert.Equal(ExitCodes.BadInput, missing);
        Assert.Contains("fixture folder not found", missingError);
        Assert.Equal(ExitCodes.BadInput, negative);
        Assert.Contains("--atol must be a finite number", negativeError);
    }

    [Fact]
    public void Token_ids_are_compared_exactly_and_the_uncompared_ftfy_cases_are_named()
    {
        using var temp = new TempFolder("parity-tokens");
        var copy = Path.Combine(temp.Path, "tokenizer");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("clip-tokenizer"), copy);
        var cases = Path.Combine(copy, "cases.jsonl");
        var lines = File.ReadAllLines(cases);
        var first = lines.Select((line, index) => (line, index)).First(l => l.line.Contains("\"a photo of a cat\"", StringComparison.Ordinal));
        lines[first.index] = first.line.Replace("[49406, 320, 1125,", "[49406, 320, 1126,", StringComparison.Ordinal);
        Assert.NotEqual(first.line, lines[first.index]);
        File.WriteAllLines(cases, lines);

        var (code, report, error) = ParityFixtures.Run(log, "--fixture", copy);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.EndsWith("exact FAIL", ParityFixtures.LineOf(report, "cases/plain"));
        Assert.Single(report, line => line.EndsWith(" FAIL", StringComparison.Ordinal));
        Assert.Contains("cases/mojibake.ftfy: 15 cases not compared", error);
        Assert.Contains("ftfy-dependent cases compared: 36 of 51", error);
    }

    [Fact]
    public void A_stored_intermediate_the_model_never_reports_fails_and_weights_resolve_beside_the_fixture()
    {
        using var temp = new TempFolder("parity-unet");
        var copy = Path.Combine(temp.Path, "unet_dummy");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("diffusers/unet_dummy"), copy);
        var io = Path.Combine(copy, "io.safetensors");
        var tensors = new List<(string, Tensor)>();
        IReadOnlyDictionary<string, string> metadata;
        using (var original = SafeTensorsFile.Open(io))
        {
            metadata = original.Metadata;
            tensors.AddRange(original.Names.Select(name => (name, original.Load(name))));
        }
        tensors.Add(("intermediate.down_blocks.7", zeros(1)));
        SafeTensorsWriter.Save(io, tensors, metadata);
        foreach (var (_, tensor) in tensors)
            tensor.Dispose();

        var (code, lines, _) = ParityFixtures.Run(log, "--fixture", copy);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.EndsWith(" FAIL", ParityFixtures.LineOf(lines, "intermediate.down_blocks.7(not-produced)"));
        Assert.EndsWith(" PASS", ParityFixtures.LineOf(lines, "output.sample"));
        Assert.Single(lines, line => line.EndsWith(" FAIL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pipeline_fixture_copied_without_its_sibling_models_names_the_missing_weights()
    {
        using var temp = new TempFolder("parity-pipeline");
        var copy = Path.Combine(temp.Path, "pipeline_dummy");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("diffusers/pipeline_dummy"), copy);

        var (code, lines, error) = ParityFixtures.Run(log, "--fixture", copy);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(lines);
        Assert.Contains("names 'unet_dummy/diffusion_pytorch_model.safetensors', found neither at", error);
    }

    [Fact]
    public void A_scheduler_fixture_without_its_config_is_refused_with_the_file_named()
    {
        using var temp = new TempFolder("parity-noconfig");
        var copy = Path.Combine(temp.Path, "schedulers");
        ParityFixtures.CopyFolder(ParityFixtures.Leaf("diffusers/schedulers"), copy);
        File.Delete(Path.Combine(copy, "lms.json"));

        var (code, _, error) = ParityFixtures.Run(log, "--fixture", copy);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("lms.json", error);
    }
}
