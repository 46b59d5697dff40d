namespace Clap2Diffusion.Engine.Audio.Flac;

/// <summary>FIXED and LPC subframes: warm-up samples, a Rice-coded residual, and the predictor that adds them up.</summary>
internal static class FlacPrediction
{
    // A residual this large cannot come from a valid encoder (samples have at most 33 bits); refusing it
    // keeps a corrupt unary run from overflowing the predictor.
    private const long MaxResidual = 1L << 40;

    public static void DecodeFixed(FlacBitReader reader, Span<long> samples, int order, int width, string origin)
    {
        ReadWarmUp(reader, samples, order, width, origin);
        ReadResidual(reader, samples, order, origin);
        switch (order)
        {
            case 1:
                for (var i = 1; i < samples.Length; i++)
                    samples[i] += samples[i - 1];
                break;
            case 2:
                for (var i = 2; i < samples.Length; i++)
                    samples[i] += 2 * samples[i - 1] - samples[i - 2];
                break;
            case 3:
                for (var i = 3; i < samples.Length; i++)
                    samples[i] += 3 * samples[i - 1] - 3 * samples[i - 2] + samples[i - 3];
                break;
            case 4:
                for (var i = 4; i < samples.Length; i++)
                    samples[i] += 4 * samples[i - 1] - 6 * samples[i - 2] + 4 * samples[i - 3] - samples[i - 4];
                break;
        }
    }

    public static void DecodeLpc(FlacBitReader reader, Span<long> samples, int order, int width, string origin)
    {
        ReadWarmUp(reader, samples, order, width, origin);
        var precision = (int)reader.ReadBits(4) + 1;
        if (precision == 16)
            throw new AudioFormatException(origin, "corrupt FLAC subframe: invalid LPC coefficient precision");
        var shift = (int)reader.ReadSigned(5);
        if (shift < 0)
            throw new AudioFormatException(origin, "corrupt FLAC subframe: negative LPC shift");
        Span<long> coefficients = stackalloc long[order];
        for (var j = 0; j < order; j++)
            coefficients[j] = reader.ReadSigned(precision);
        ReadResidual(reader, samples, order, origin);
        for (var i = order; i < samples.Length; i++)
        {
            long sum = 0;
            for (var j = 0; j < order; j++)
                sum += coefficients[j] * samples[i - 1 - j];
            samples[i] += sum >> shift;
        }
    }

    /// <summary>Every decoded sample must fit the channel's bit width, or the stream is corrupt.</summary>
    public static void CheckRange(ReadOnlySpan<long> samples, int bits, string origin)
    {
        var max = (1L << (bits - 1)) - 1;
        var min = -(1L << (bits - 1));
        foreach (var s in samples)
            if (s > max || s < min)
                throw new AudioFormatException(origin, $"corrupt FLAC subframe: a sample does not fit {bits} bits");
    }

    private static void ReadWarmUp(FlacBitReader reader, Span<long> samples, int order, int width, string origin)
    {
        if (order > samples.Length)
            throw new AudioFormatException(origin, $"corrupt FLAC subframe: predictor order {order} exceeds the block size {samples.Length}");
        for (var i = 0; i < order; i++)
            samples[i] = reader.ReadSigned(width);
    }

    private static void ReadResidual(FlacBitReader reader, Span<long> samples, int order, string origin)
    {
        var method = (int)reader.ReadBits(2);
        if (method > 1)
            throw new AudioFormatException(origin, "corrupt FLAC residual: reserved coding method");
        var parameterBits = method == 0 ? 4 : 5;
        var escape = (1 << parameterBits) - 1;
        var partitionOrder = (int)reader.ReadBits(4);
        var partitions = 1 << partitionOrder;
        var perPartition = samples.Length >> partitionOrder;
        if (perPartition << partitionOrder != samples.Length || perPartition < order)
            throw new AudioFormatException(origin, $"corrupt FLAC residual: partition order {partitionOrder} does not fit block size {samples.Length}");

        var index = order;
        for (var p = 0; p < partitions; p++)
        {
            var count = p == 0 ? perPartition - order : perPartition;
            var parameter = (int)reader.ReadBits(parameterBits);
            if (parameter == escape)
            {
                var rawBits = (int)reader.ReadBits(5);
                for (var i = 0; i < count; i++)
                    samples[index++] = reader.ReadSigned(rawBits);
                continue;
            }
            for (var i = 0; i < count; i++)
            {
                var quotient = reader.ReadUnary();
                if (quotient > (MaxResidual >> parameter))
                    throw new AudioFormatException(origin, "corrupt FLAC residual: value out of range");
                var folded = (quotient << parameter) | (long)reader.ReadBits(parameter);
                samples[index++] = (folded >> 1) ^ -(folded & 1);
            }
        }
    }
}
