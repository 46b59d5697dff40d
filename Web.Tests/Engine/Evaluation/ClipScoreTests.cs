using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Tests.Engine.Clip;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class ClipScoreTests : IDisposable
{
    private readonly CLIPModel model = CLIPModel.FromPretrained(ClipParity.Folder("clip_tiny"));
    private readonly CLIPTokenizer tokenizer = TinyTokenizer();
    private readonly CLIPImageProcessor processor = new(new CLIPImageProcessorConfig { ShortestEdge = 32, CropHeight = 32, CropWidth = 32 });

    public void Dispose() => model.Dispose();

    // The tiny CLIP has 1000 token ids: the 512 byte symbols (plain and word-final), a few merges, and the
    // start/end tokens at 998/999 like 49406/49407 in the real vocabulary.
    private static CLIPTokenizer TinyTokenizer()
    {
        var vocabulary = new Dictionary<string, int>();
        for (var b = 0; b < 256; b++)
            vocabulary[ByteLevelBpe.SymbolOf((byte)b).ToString()] = b;
        for (var b = 0; b < 256; b++)
            vocabulary[ByteLevelBpe.SymbolOf((byte)b) + "</w>"] = 256 + b;
        (string, string)[] merges = [("c", "a"), ("ca", "t</w>"), ("d", "o"), ("do", "g</w>")];
        foreach (var (first, second) in merges)
            vocabulary[first + second] = vocabulary.Count;
        vocabulary[CLIPTokenizer.StartOfText] = 998;
        vocabulary[CLIPTokenizer.EndOfText] = 999;
        return new CLIPTokenizer(vocabulary, merges);
    }

    private static RgbImage Pattern(int width, int height, int seed) =>
        new(width, height, Enumerable.Range(0, width * height * 3).Select(i => (byte)((i * seed + i / 7) % 256)).ToArray());

    [Fact]
    public void Batch_scores_equal_pair_by_pair_scores_and_the_total_clamps_the_mean()
    {
        var images = new[] { Pattern(48, 40, 3), Pattern(40, 64, 11) };
        var texts = new[] { "a cat", "a black dog on a red sofa" };
        var score = new ClipScore(model, tokenizer, processor);

        var scores = score.Update(images, texts);

        using (no_grad())
            for (var i = 0; i < 2; i++)
            {
                using var scope = NewDisposeScope();
                var image = model.get_image_features(processor.Preprocess([images[i]]));
                var text = model.get_text_features(tensor(tokenizer.Encode(texts[i]), [1, tokenizer.Encode(texts[i]).Length]));
                Assert.Equal(ClipScore.PerPair(image, text).item<float>(), scores[i], 3);
            }

        var longText = string.Join(" ", Enumerable.Repeat("dog", 100));
        var more = score.Update([images[0]], [longText]);
        Assert.Equal(3, score.Count);
        Assert.Equal(Math.Max((scores.Sum() + more.Sum()) / 3, 0), score.Compute(), 9);
    }

    [Fact]
    public void Each_image_needs_its_text()
    {
        var score = new ClipScore(model, tokenizer, processor);

        Assert.Throws<InputException>(() => score.Update([Pattern(32, 32, 1)], ["a cat", "a dog"]));
        Assert.Equal(0, score.Compute());
    }
}
