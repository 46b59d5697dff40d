using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class AudioCapsEvaluationTests : IDisposable
{
    private readonly TempFolder folder = new("eval-audiocaps");

    public void Dispose() => folder.Dispose();

    // Four rows; the third has no audio file, the second and third no frame.
    private string WriteDataset()
    {
        var root = folder.File("dataset");
        Directory.CreateDirectory(Path.Combine(root, "audio"));
        Directory.CreateDirectory(Path.Combine(root, "images"));
        File.WriteAllText(Path.Combine(root, "test.csv"),
            "audiocap_id,youtube_id,start_time,caption,prompt\n" +
            "101,aaa,0,A dog barks,a dog in a park\n" +
            "102,bbb,10,Rain falls on a roof,\n" +
            "103,ccc,20,A bell rings,a church\n" +
            "104/x,ddd,30,Waves crash,a beach at dusk\n");
        foreach (var stem in new[] { "aaa_0", "bbb_10", "ddd_30" })
            WavWriter.Write(Path.Combine(root, "audio", stem + ".wav"), new float[800], 8000);
        foreach (var stem in new[] { "aaa_0", "ddd_30" })
            PngWriter.Save(Path.Combine(root, "images", stem + ".png"), 4, 4, new byte[48]);
        return root;
    }

    [Fact]
    public void Rows_with_audio_become_cases_prompted_by_their_prompt_column_or_caption()
    {
        var source = new AudioCapsEvaluationSource(WriteDataset(), "test", seed: 10);

        Assert.Equal(["101", "102", "104_x"], source.Cases.Select(c => c.Id));
        Assert.Equal(["a dog in a park", "Rain falls on a roof", "a beach at dusk"], source.Cases.Select(c => c.Prompt));
        Assert.Equal(["A dog barks", "Rain falls on a roof", "Waves crash"], source.Cases.Select(c => c.AudioCaption));
        Assert.Equal([10L, 11L, 12L], source.Cases.Select(c => c.Seed));
        Assert.All(source.Cases, c => Assert.Null(c.Relation));
        Assert.Equal(1, source.SkippedWithoutAudio);
        Assert.EndsWith(Path.Combine("audio", "aaa_0.wav"), source.Audio(source.Cases[0]).Path);
        Assert.NotNull(source.ReferenceImage(source.Cases[0], 64));
        Assert.Null(source.ReferenceImage(source.Cases[1], 64));
        Assert.Equal(["101", "102"], new AudioCapsEvaluationSource(WriteDataset(), "test", limit: 2).Cases.Select(c => c.Id));
    }

    [Fact]
    public void A_run_groups_dataset_cases_by_the_relation_the_generator_assigned_and_has_no_demo_checks()
    {
        var source = new AudioCapsEvaluationSource(WriteDataset());
        using var generator = new FlatGenerator(new Dictionary<string, PromptAudioRelation> { ["101"] = PromptAudioRelation.Matching });
        using var measures = new EvaluationMeasures();
        var settings = new EvaluationSettings(folder.File("report")) { Variants = [PairVariant.TextOnly, PairVariant.Audio], Resamples = 100 };

        var report = new EvaluationRun(source, generator, measures, settings).Execute();

        Assert.Equal("audiocaps", report.SourceKind);
        Assert.Equal("NO CHECKS", report.Verdict);
        Assert.Empty(report.Checks);
        Assert.Equal(1, report.Group("matching", PairVariant.Audio)!.Cases);
        Assert.Equal(2, report.Group("unassigned", PairVariant.Audio)!.Cases);
        Assert.Equal("matching", report.Cases[0].Images.Single(i => i.Variant == "audio").AssignedRelation);
        Assert.All(generator.Requests.Where(r => r.Variant == PairVariant.Audio), r => Assert.True(File.Exists(r.Audio!.Path)));
        Assert.Contains(report.Notes, n => n.Contains("--fid-weights", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_dataset_or_split_is_refused_clearly()
    {
        Assert.Throws<InputException>(() => new AudioCapsEvaluationSource(folder.File("absent")));
        var error = Assert.Throws<InputException>(() => new AudioCapsEvaluationSource(WriteDataset(), "val"));
        Assert.Contains("val.csv", error.Message);
    }

    /// <summary>Draws a flat image per request and assigns the given relations to the audio variant.</summary>
    private sealed class FlatGenerator(Dictionary<string, PromptAudioRelation> relations) : IPairGenerator
    {
        public List<PairRequest> Requests { get; } = [];

        public string Description => "flat colours (test double)";

        public PairGeneration Generate(PairRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            var shade = (byte)(request.Seed * 40 + (int)request.Variant * 7);
            var relation = request.Variant == PairVariant.Audio && relations.TryGetValue(request.CaseId, out var r) ? r : (PromptAudioRelation?)null;
            return new PairGeneration(new RgbImage(8, 8, Enumerable.Repeat(shade, 192).ToArray()), relation, 0.1);
        }

        public void Dispose()
        {
        }
    }
}
