namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// An audio-image rank score in the manner of SonicDiffusion's AIS: for each image, the share of the other
/// cases' audio whose similarity to the image is lower than that of the image's own audio, averaged over
/// images. 1 means every image is closest to its own audio, 0.5 is chance. Here the audio is represented by
/// its caption in CLIP's text space (CLAP has no image tower); ties count half, so identical captions stay at chance.
/// </summary>
public static class AlignmentRank
{
    /// <summary>
    /// Per-image scores from a square similarity matrix whose row i is image i and column j the audio of case j
    /// (so the own audio is the diagonal). Empty when there are fewer than two cases to rank against.
    /// </summary>
    public static double[] PerImage(double[,] similarity)
    {
        var n = similarity.GetLength(0);
        if (similarity.GetLength(1) != n)
            throw new ArgumentException($"the similarity matrix must be square, not {n}x{similarity.GetLength(1)}", nameof(similarity));
        if (n < 2)
            return [];
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            var own = similarity[i, i];
            var below = 0.0;
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                    continue;
                if (similarity[i, j] < own)
                    below += 1;
                else if (similarity[i, j] == own)
                    below += 0.5;
            }
            scores[i] = below / (n - 1);
        }
        return scores;
    }
}
