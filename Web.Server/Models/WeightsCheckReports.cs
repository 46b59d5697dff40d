using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Checks;
using ContractCheck = Clap2Diffusion.Client.Contracts.ComponentCheck;
using EngineCheck = Clap2Diffusion.Engine.Weights.Checks.ComponentCheck;

namespace Clap2Diffusion.Server.Models;

/// <summary><c>check-weights</c> results as the admin console shows them: OK or FAIL per component, each problem one line.</summary>
public static class WeightsCheckReports
{
    /// <summary>Key problems listed per kind before the rest are counted; a wrong model can differ in thousands of keys.</summary>
    public const int KeysShown = 20;

    public static ContractCheck ToContract(EngineCheck check)
    {
        var problems = new List<string>();
        if (check.Note is not null && check.Status == EngineCheck.Fail)
            problems.Add(check.Note);
        problems.AddRange(Lines("missing", check.Missing, k => $"{k.Key} {Shape(k.Expected)}"));
        problems.AddRange(Lines("unexpected", check.Unexpected, k => $"{k.Key} {Shape(k.Found)}"));
        problems.AddRange(Lines("mis-shaped", check.Misshaped,
            k => $"{k.Key} expected {Shape(k.Expected)}, found {Shape(k.Found)}"));
        return new ContractCheck(check.Component, check.Status != EngineCheck.Fail, problems);
    }

    public static ContractCheck FromComparison(string component, WeightsComparison comparison) => ToContract(new EngineCheck
    {
        Status = comparison.IsExactMatch ? EngineCheck.Ok : EngineCheck.Fail,
        Component = component,
        Missing = comparison.Missing,
        Unexpected = comparison.Unexpected,
        Misshaped = comparison.Misshaped,
    });

    private static string Shape(long[]? shape) => shape is null ? "" : "[" + string.Join(", ", shape) + "]";

    private static IEnumerable<string> Lines(string kind, IReadOnlyList<KeyProblem> keys, Func<KeyProblem, string> describe)
    {
        foreach (var key in keys.Take(KeysShown))
            yield return $"{kind}: {describe(key)}";
        if (keys.Count > KeysShown)
            yield return $"{kind}: {keys.Count - KeysShown} more keys";
    }
}
