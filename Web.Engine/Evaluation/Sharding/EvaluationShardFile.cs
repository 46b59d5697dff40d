using System.Text.Json;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// Shard files: one JSON document (<see cref="EvaluationShardJson"/>) holding an <see cref="EvaluationShardResult"/>
/// with its format name and version, float arrays in base64. Reading is strict: a file that is not JSON, not a
/// shard, of another version, or whose parts do not fit together (a record for a variant the header does not
/// name, features of two lengths, statistics that do not count the shard's rows) is an <see cref="InputException"/>
/// that names the file and the fault.
/// </summary>
public static class EvaluationShardFile
{
    /// <summary>Writes the result to <paramref name="path"/>, recording where <paramref name="imageFolder"/> lies relative to it.</summary>
    public static void Write(string path, EvaluationShardResult result, string imageFolder)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var stored = result with { ImageFolder = Path.GetRelativePath(directory, Path.GetFullPath(imageFolder)).Replace('\\', '/') };
        var temporary = path + ".partial";
        using (var stream = File.Create(temporary))
            JsonSerializer.Serialize(stream, stored, EvaluationShardJson.Options);
        File.Move(temporary, path, overwrite: true);
    }

    public static EvaluationShardInput Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"shard file not found: {path}");
        EvaluationShardResult? result;
        try
        {
            using var stream = File.OpenRead(path);
            result = JsonSerializer.Deserialize<EvaluationShardResult>(stream, EvaluationShardJson.Options);
        }
        catch (JsonException error)
        {
            throw new InputException($"{path} is not a readable evaluation shard: {error.Message}", error);
        }
        catch (InputException error)
        {
            throw new InputException($"{path} is not a readable evaluation shard: {error.Message}", error);
        }
        if (result is null)
            throw new InputException($"{path} is not a readable evaluation shard: it holds null");
        try
        {
            Validate(result);
        }
        catch (InputException error)
        {
            throw new InputException($"{path}: {error.Message}", error);
        }
        if (result.ImageFolder is null)
            throw new InputException($"{path}: the shard does not say where its images are (image_folder)");
        var folder = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, result.ImageFolder));
        return new EvaluationShardInput(result with { ImageFolder = null }, folder);
    }

    /// <summary>Checks that the parts of a shard result fit together; the merge calls it on results handed over in memory too.</summary>
    public static void Validate(EvaluationShardResult result)
    {
        if (result.Format != EvaluationShardResult.FormatName)
            throw new InputException($"not an evaluation shard (format '{result.Format}', expected '{EvaluationShardResult.FormatName}')");
        if (result.Version != EvaluationShardResult.CurrentVersion)
            throw new InputException($"evaluation shard version {result.Version}; this engine reads version {EvaluationShardResult.CurrentVersion}");
        var header = result.Header;
        if (header.TotalCases < 1)
            throw new InputException($"the shard's run has {header.TotalCases} cases");
        if (header.GridRows < 0 || header.Resamples < 1 || header.KidSubsets < 1 || !(header.Confidence is > 0 and < 1))
            throw new InputException($"the shard's settings are out of range: grid rows {header.GridRows}, resamples {header.Resamples}, " +
                $"KID subsets {header.KidSubsets}, confidence {header.Confidence}");
        if (header.Variants.Count == 0)
            throw new InputException("the shard names no variant");
        foreach (var name in header.Variants)
            PairVariants.Parse(name);
        if (header.Variants.Distinct().Count() != header.Variants.Count)
            throw new InputException($"the shard names a variant twice: {string.Join(", ", header.Variants)}");
        if (result.Cases.Count == 0)
            throw new InputException("the shard holds no case");
        for (var i = 0; i < result.Cases.Count; i++)
        {
            var index = result.Cases[i].Index;
            if (index < 0 || index >= header.TotalCases)
                throw new InputException($"case index {index} lies outside 0..{header.TotalCases - 1}");
            if (i > 0 && index <= result.Cases[i - 1].Index)
                throw new InputException($"case indices must ascend without repeats; {index} follows {result.Cases[i - 1].Index}");
            ValidateCase(result.Cases[i], header);
        }
        ValidateFeatures(result);
    }

    private static void ValidateCase(ShardCase shardCase, EvaluationShardHeader header)
    {
        var id = shardCase.Case.Id;
        if (id.Length == 0 || id is "." or ".." || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.Contains('/') || id.Contains('\\'))
            throw new InputException($"case id '{id}' is not a safe file name");
        var variants = shardCase.Images.Select(i => i.Variant).ToList();
        if (!variants.SequenceEqual(header.Variants))
            throw new InputException($"case {id} has images of {string.Join(", ", variants)}; the header names {string.Join(", ", header.Variants)}");
        foreach (var image in shardCase.Images)
        {
            var expected = ImageFile(id, image.Variant);
            if (image.File != expected)
                throw new InputException($"case {id}, {image.Variant}: the image file must be {expected}, not '{image.File}'");
            if (image.Width < 1 || image.Height < 1)
                throw new InputException($"case {id}, {image.Variant}: an image of {image.Width}x{image.Height}");
            if (!double.IsFinite(image.Seconds) || image.Seconds < 0)
                throw new InputException($"case {id}, {image.Variant}: {image.Seconds} seconds");
        }
        if (header.Clip is not null && (shardCase.PromptEmbedding is null || shardCase.CaptionEmbedding is null))
            throw new InputException($"case {id} lacks the CLIP text embeddings the header's CLIP calls for");
        var clipWidths = shardCase.Images.Select(i => i.ClipEmbedding?.Length).Append(shardCase.PromptEmbedding?.Length)
            .Append(shardCase.CaptionEmbedding?.Length).OfType<int>().Distinct().ToList();
        if (clipWidths.Count > 1)
            throw new InputException($"case {id} has CLIP embeddings of different lengths: {string.Join(", ", clipWidths)}");
    }

    private static void ValidateFeatures(EvaluationShardResult result)
    {
        var header = result.Header;
        var rows = result.Cases.SelectMany(c => c.Images.Select(i => i.Features)).Concat(result.Cases.Select(c => c.ReferenceFeatures))
            .OfType<double[]>().ToList();
        if (header.FeatureSpace is null)
        {
            if (rows.Count > 0 || result.VariantStatistics.Count > 0 || result.ReferenceStatistics is not null)
                throw new InputException("the shard holds features but its header names no feature space");
            return;
        }
        var widths = rows.Select(r => r.Length).Distinct().ToList();
        if (widths.Count > 1 || widths.Contains(0))
            throw new InputException($"the shard's feature rows have lengths {string.Join(", ", widths)}; they need one");
        foreach (var (name, statistics) in result.VariantStatistics)
        {
            if (!header.Variants.Contains(name))
                throw new InputException($"the shard has FID statistics of '{name}', a variant its header does not name");
            var count = result.Cases.Count(c => c.Images.Single(i => i.Variant == name).Features is not null);
            CheckStatistics(statistics, count, widths, header.FeatureSpace, $"the {name} images");
        }
        foreach (var name in header.Variants.Where(v => !result.VariantStatistics.ContainsKey(v)))
            if (result.Cases.Any(c => c.Images.Single(i => i.Variant == name).Features is not null))
                throw new InputException($"the shard has features of {name} images but no FID statistics of them");
        var references = result.Cases.Count(c => c.ReferenceFeatures is not null);
        if (result.ReferenceStatistics is null != (references == 0))
            throw new InputException($"the shard has {references} reference feature rows but {(result.ReferenceStatistics is null ? "no" : "")} reference statistics");
        if (result.ReferenceStatistics is { } reference)
            CheckStatistics(reference, references, widths, header.FeatureSpace, "the reference images");
    }

    private static void CheckStatistics(Fid.FidSufficientStatistics statistics, int rows, List<int> widths, string featureSpace, string what)
    {
        if (statistics.Count != rows)
            throw new InputException($"the FID statistics of {what} count {statistics.Count} images, but the shard has {rows} feature rows of them");
        if (widths.Count == 1 && statistics.Dimensions != widths[0])
            throw new InputException($"the FID statistics of {what} have {statistics.Dimensions} dimensions, the feature rows {widths[0]}");
        if (statistics.FeatureSpace != featureSpace)
            throw new InputException($"the FID statistics of {what} come from '{statistics.FeatureSpace}', not the header's '{featureSpace}'");
    }

    /// <summary>Where a case's image of a variant lies, relative to the report folder.</summary>
    public static string ImageFile(string caseId, string variant) => $"images/{caseId}/{variant}.png";
}
