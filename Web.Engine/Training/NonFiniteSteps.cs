using System.Globalization;
using System.Text.Json;

namespace Clap2Diffusion.Engine.Training;

/// <summary>
/// A training step that was skipped because its loss or its gradient was not finite: the weights and the optimiser
/// state were left as they were, while the step counter, the data position and the learning-rate schedule moved on.
/// </summary>
/// <param name="Cause"><c>loss</c> or <c>gradient</c>: which of the two was found non-finite first.</param>
/// <param name="LastFiniteLoss">The loss of the run's last finite step; NaN when none has been finite yet.</param>
public sealed record NonFiniteStep(long Step, string Cause, IReadOnlyList<string> ItemIds, double LastFiniteLoss, int Consecutive, long Total);

/// <summary>A run that stopped because too many consecutive steps had a non-finite loss or gradient.</summary>
public sealed class NonFiniteTrainingException(NonFiniteStep last, int limit)
    : InputException($"training stopped at step {last.Step}: {limit} consecutive steps had a non-finite {last.Cause} " +
        $"(last batch: {string.Join(", ", last.ItemIds)}; last finite loss {FormatLoss(last.LastFiniteLoss)}). " +
        "Check the dataset's features (a damaged cache entry) or lower the learning rate; the last checkpoint is kept.")
{
    public NonFiniteStep Last { get; } = last;

    internal static string FormatLoss(double loss) => double.IsFinite(loss) ? loss.ToString("G6", CultureInfo.InvariantCulture) : "none yet";
}

/// <summary>
/// Counts skipped non-finite steps for one run, remembers the last finite loss, and appends each skip to the run
/// folder's <c>non-finite-steps.jsonl</c> (the run's log of them), so a skip is never silent even without a listener.
/// </summary>
internal sealed class NonFiniteGuard(string logPath, int limit)
{
    public const string LogFile = "non-finite-steps.jsonl";

    private int consecutive;

    public long Total { get; private set; }

    public double LastFiniteLoss { get; private set; } = double.NaN;

    public void Finite(double loss)
    {
        consecutive = 0;
        LastFiniteLoss = loss;
    }

    public NonFiniteStep Skipped(long step, string cause, IReadOnlyList<string> itemIds)
    {
        consecutive++;
        Total++;
        var skipped = new NonFiniteStep(step, cause, itemIds, LastFiniteLoss, consecutive, Total);
        File.AppendAllText(logPath, JsonSerializer.Serialize(new
        {
            step, cause, items = itemIds, last_finite_loss = double.IsFinite(LastFiniteLoss) ? (double?)LastFiniteLoss : null,
            consecutive, total = Total,
        }) + "\n");
        return skipped;
    }

    /// <summary>Throws once the run has had <c>limit</c> non-finite steps in a row.</summary>
    public void ThrowIfExhausted(NonFiniteStep skipped)
    {
        if (skipped.Consecutive >= limit)
            throw new NonFiniteTrainingException(skipped, limit);
    }
}
