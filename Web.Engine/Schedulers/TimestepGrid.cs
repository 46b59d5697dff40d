namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// The numpy primitives diffusers builds its timestep and sigma grids with, reproduced operation by
/// operation in double precision (numpy 1.24 semantics) so that integer timesteps come out identical and
/// fractional ones bit-identical before their float32 cast.
/// </summary>
internal static class TimestepGrid
{
    /// <summary><c>np.linspace(start, stop, num)</c>: i·step + start, with the last point set to stop exactly.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var values = new double[num];
        if (num == 1)
        {
            values[0] = start;
            return values;
        }
        var step = (stop - start) / (num - 1);
        for (var i = 0; i < num; i++)
            values[i] = i * step + start;
        values[num - 1] = stop;
        return values;
    }

    /// <summary>
    /// <c>np.arange(start, stop, step)</c> for floats: length ⌈(stop−start)/step⌉, first two values
    /// start and start+step, the rest start + i·((start+step) − start), as numpy's fill loop does.
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        var count = Math.Ceiling((stop - start) / step);
        if (!(count > 0))
            return [];
        if (count > SchedulerConfig.MaxTrainTimesteps + 1)
            throw new InputException($"scheduler: a timestep grid of {count} points was requested; at most {SchedulerConfig.MaxTrainTimesteps} are supported");
        var values = new double[(int)count];
        values[0] = start;
        if (values.Length > 1)
            values[1] = start + step;
        var delta = (start + step) - start;
        for (var i = 2; i < values.Length; i++)
            values[i] = start + i * delta;
        return values;
    }

    /// <summary><c>np.round</c>: half to even.</summary>
    public static double Round(double value) => Math.Round(value, MidpointRounding.ToEven);

    public static double[] Round(double[] values) => values.Select(Round).ToArray();

    public static double[] Reversed(double[] values) => values.Reverse().ToArray();

    /// <summary>
    /// <c>np.interp(x, arange(len(fp)), fp)</c>: linear interpolation on the integer grid in double
    /// precision, clamped to the end values outside it.
    /// </summary>
    public static double Interp(double x, IReadOnlyList<float> fp)
    {
        if (double.IsNaN(x))
            return double.NaN;
        if (x <= 0)
            return fp[0];
        var last = fp.Count - 1;
        if (x >= last)
            return fp[last];
        var j = (int)Math.Floor(x);
        // numpy divides by the grid spacing, which is exactly 1 here.
        var slope = (double)fp[j + 1] - fp[j];
        return slope * (x - j) + fp[j];
    }
}
