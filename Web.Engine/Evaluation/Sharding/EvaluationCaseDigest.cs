using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>A fingerprint of a case list: SHA-256 of its cases as JSON, in order, so that a changed label or seed changes it.</summary>
public static class EvaluationCaseDigest
{
    public static string Of(IReadOnlyList<EvaluationCase> cases)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(cases, EvaluationShardJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }
}
