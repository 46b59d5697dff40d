namespace Clap2Diffusion.Engine.Weights.Checks;

/// <summary>The outcome of checking one component's weights against the module its config describes.</summary>
public sealed record ComponentCheck
{
    public const string Ok = "OK";
    public const string Fail = "FAIL";
    public const string Skipped = "SKIPPED";

    public required string Status { get; init; }
    public required string Component { get; init; }
    public string? Class { get; init; }
    public string? Folder { get; init; }
    public IReadOnlyList<string> Weights { get; init; } = [];
    public int? Tensors { get; init; }
    public long? Params { get; init; }
    public IReadOnlyList<string> Dtypes { get; init; } = [];
    public IReadOnlyList<KeyProblem> Missing { get; init; } = [];
    public IReadOnlyList<KeyProblem> Unexpected { get; init; } = [];
    public IReadOnlyList<KeyProblem> Misshaped { get; init; } = [];
    /// <summary>Why a component was skipped or failed other than by its keys, or what a bare file was matched to.</summary>
    public string? Note { get; init; }
}

/// <summary>All components found under one path.</summary>
/// <param name="Layout"><c>diffusers-pipeline</c>, <c>diffusers-component</c>, <c>transformers-model</c> or <c>safetensors-file</c>.</param>
public sealed record WeightsCheckReport(string Path, string Layout, IReadOnlyList<ComponentCheck> Components)
{
    public bool Ok => Components.All(c => c.Status != ComponentCheck.Fail);
}
