using System.Globalization;
using Clap2Diffusion.Engine.Parity;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Parity;

public sealed class TensorComparisonTests
{
    [Fact]
    public void Report_lines_have_five_fields_in_invariant_culture_whatever_the_thread_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            using var expected = tensor(new[] { 1.0f, 2.0f });
            using var actual = tensor(new[] { 1.5f, 2.0f });

            var line = TensorComparison.Compare("x", actual, expected, 0.25, 0.125).ToString();

            Assert.Equal("x 0.5 0.5 atol=0.25,rtol=0.125 FAIL", line);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void A_shape_mismatch_fails_and_keeps_the_name_one_field()
    {
        using var expected = zeros(2, 3);
        using var actual = zeros(3, 2);

        var comparison = TensorComparison.Compare("out", actual, expected, 1, 1);

        Assert.False(comparison.Passed);
        Assert.Equal(5, comparison.ToString().Split(' ').Length);
        Assert.StartsWith("out(shape:[3,2]vs[2,3]) ", comparison.ToString());
    }

    [Fact]
    public void Integer_references_are_compared_exactly_and_scaled_tolerances_grow_with_the_reference()
    {
        using var ids = tensor(new[] { 1L, 2L });
        using var close = tensor(new[] { 1.0f, 2.000001f });
        using var large = tensor(new[] { 50.0f, -20.0f });
        using var small = tensor(new[] { 0.5f, -0.25f });

        Assert.False(TensorComparison.Compare("ids", close, ids, 1, 1).Passed);
        Assert.Equal("exact", TensorComparison.Compare("ids", ids, ids, 1, 1).Tolerance);
        Assert.Equal(5e-4, ParityTolerance.Scaled(1e-5).AtolFor(large), 12);
        Assert.Equal(1e-5, ParityTolerance.Scaled(1e-5).AtolFor(small), 12);
        Assert.Equal(1e-5, ParityTolerance.Absolute(1e-5).AtolFor(large), 12);
    }
}
