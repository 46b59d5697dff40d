using Clap2Diffusion.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Clap2Diffusion.Tests.Engine.Lifetimes;

/// <summary>
/// Compiling the whole engine allocates hundreds of megabytes, and the garbage collections it sets off run
/// finalisers. When engine code still let TorchSharp make Scalars that nobody keeps alive (<c>a + b</c> is
/// <c>a.add(b, 1)</c>), a finaliser that freed one during a native call gave NaN gradients in tests running beside
/// this one; rule (c) now keeps those out of Web.Engine, but the tests themselves may still write <c>a + b</c>, so
/// this one still runs alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RoslynCompilationCollection
{
    public const string Name = "Roslyn compilation of the engine";
}

/// <summary>
/// The engine never hands a C# number to TorchSharp where it would become an unowned Scalar (decision record 0010).
/// </summary>
[Collection(RoslynCompilationCollection.Name)]
public sealed class HiddenScalarSourceTests
{
    private static IReadOnlyList<HiddenScalar> FindIn(string source)
    {
        var compilation = EngineSources.Compile([("/snippet/Snippet.cs", source)]);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The snippet must compile for its operations to bind:\n" + string.Join("\n", errors));
        return HiddenScalarFinder.Find(compilation, "/snippet");
    }

    private const string SnippetHeader = """
        using TorchSharp;
        using static TorchSharp.torch;
        namespace Snippet;
        """;

    /// <summary>[GeneratedRegex] methods, whose bodies the regex source generator writes; it does not run here.</summary>
    private const string GeneratedPartialMethodMissing = "CS8795";

    [Fact]
    public void Web_Engine_makes_no_hidden_scalars_outside_the_allow_list()
    {
        var compilation = EngineSources.CompileEngine();
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != GeneratedPartialMethodMissing).Take(5).ToList();
        Assert.True(errors.Count == 0, "The engine sources must compile here for the check to mean anything:\n" +
            string.Join("\n", errors));

        var allowList = HiddenScalarAllowList.Load();
        var sites = HiddenScalarFinder.Find(compilation, SharedData.RepositoryRoot);
        var violations = sites.Where(s => !allowList.Entries.Any(e => e.Covers(s))).ToList();
        var stale = allowList.Entries.Where(e => !sites.Any(e.Covers)).ToList();

        Assert.True(violations.Count == 0,
            $"{violations.Count} hidden Scalar(s) in Web.Engine. Use a tensor operand, a Scalar made with ToScalar() and " +
            "disposed (using var half = 0.5.ToScalar();), or a static one from Runtime/Scalars.cs:\n" +
            string.Join("\n", violations));
        Assert.True(stale.Count == 0, "Allow-list entries that match nothing any more:\n" +
            string.Join("\n", stale.Select(e => $"line {e.Line}: {e.File} | {e.Member}")));
    }

    [Theory]
    [InlineData("x * 0.5", HiddenScalarFinder.OperatorKind, "x * 0.5")]
    [InlineData("1 - x", HiddenScalarFinder.OperatorKind, "1 - x")]
    [InlineData("x / 2f", HiddenScalarFinder.OperatorKind, "x / 2f")]
    [InlineData("x.mul(0.5)", HiddenScalarFinder.ConversionKind, "0.5")]
    [InlineData("x.clamp(0, 1)", HiddenScalarFinder.ConversionKind, "0", "1")]
    [InlineData("x.add(x, alpha: 2)", HiddenScalarFinder.ConversionKind, "2")]
    [InlineData("full(new long[] { 2 }, 1.0)", HiddenScalarFinder.ConversionKind, "1.0")]
    public void A_number_handed_to_TorchSharp_is_reported_with_its_place(string expression, string kind, params string[] reported)
    {
        var sites = FindIn($$"""
            {{SnippetHeader}}
            static class Ops
            {
                static Tensor Apply(Tensor x)
                {
                    return {{expression}};
                }
            }
            """);

        Assert.Equal(reported.Select(r => ("Snippet.cs", 8, "Ops.Apply", kind, r)),
            sites.Select(s => (s.File, s.Line, s.Member, s.Kind, s.Expression)));
    }

    [Theory]
    [InlineData("a + b")]
    [InlineData("a + Scalars.One")]
    [InlineData("Scalars.One - a")]
    [InlineData("a.add(b)")]
    [InlineData("a.add_(b)")]
    [InlineData("torch.add(a, b)")]
    [InlineData("a.addcdiv(a, b)")]
    [InlineData("a.square()")]
    public void A_TorchSharp_overload_that_fills_in_a_number_is_reported(string expression)
    {
        var sites = FindIn($$"""
            {{SnippetHeader}}
            static class Scalars { public static readonly Scalar One = 1.ToScalar(); }
            static class Ops
            {
                static Tensor Apply(Tensor a, Tensor b)
                {
                    return {{expression}};
                }
            }
            """);

        Assert.Equal([(9, HiddenScalarFinder.DefaultScalarKind, expression)],
            sites.Select(s => (s.Line, s.Kind, s.Expression)).ToArray());
    }

    [Fact]
    public void A_compound_tensor_addition_is_reported_and_subtraction_is_not()
    {
        var sites = FindIn($$"""
            {{SnippetHeader}}
            static class Ops
            {
                static Tensor Accumulate(Tensor a, Tensor b)
                {
                    a += b;
                    a -= b;
                    return a;
                }
            }
            """);

        Assert.Equal(("Ops.Accumulate", HiddenScalarFinder.DefaultScalarKind, "a += b"),
            sites.Select(s => (s.Member, s.Kind, s.Expression)).Single());
    }

    [Fact]
    public void An_owned_alpha_value_or_exponent_is_not_reported()
    {
        var sites = FindIn($$"""
            {{SnippetHeader}}
            static class Ops
            {
                static readonly Scalar One = 1.ToScalar();
                static readonly Scalar Two = 2.ToScalar();
                static Tensor Apply(Tensor a, Tensor b)
                {
                    using var sum = a.add(b, One);
                    using var total = torch.add(a, b, One);
                    using var ratio = sum.addcdiv(a, b, value: One);
                    a.add_(b, One);
                    // TorchSharp 0.107's subtraction calls LibTorch without an alpha: nothing to report.
                    using var difference = a - b;
                    a.sub_(b);
                    return difference.sub(ratio).mul(total).pow(Two);
                }
            }
            """);

        Assert.Empty(sites);
    }

    [Fact]
    public void A_compound_assignment_and_a_static_initializer_are_reported()
    {
        var sites = FindIn($$"""
            {{SnippetHeader}}
            static class Ops
            {
                static readonly Scalar Half = 0.5;
                static void Shift(Tensor x)
                {
                    x += 1;
                }
            }
            """);

        Assert.Equal(
            [("Ops.Half", HiddenScalarFinder.ConversionKind, "0.5"), ("Ops.Shift", HiddenScalarFinder.OperatorKind, "x += 1")],
            sites.Select(s => (s.Member, s.Kind, s.Expression)).ToArray());
    }

    [Fact]
    public void Owned_scalars_and_tensor_operands_are_not_reported()
    {
        var sites = FindIn($$"""
            {{SnippetHeader}}
            static class Ops
            {
                static readonly Scalar One = 1.0.ToScalar();
                static Tensor Apply(Tensor x, double scale)
                {
                    using var half = 0.5.ToScalar();
                    using var s = scale.ToScalar();
                    using var ones = ones_like(x);
                    using var scaled = x.mul(half).add(ones, alpha: One);
                    using var shift = tensor(scale);
                    var count = x.shape[0] * 2 + 1;
                    return (scaled - shift).mul(s).reshape(count / 2);
                }
            }
            """);

        Assert.Empty(sites);
    }

    [Fact]
    public void Allow_list_entries_need_a_reason()
    {
        var list = HiddenScalarAllowList.Parse(["# comment", "", "Web.Engine/A.cs | A.B | a reason"]);
        Assert.Equal(new HiddenScalarAllowList.Entry(3, "Web.Engine/A.cs", "A.B", "a reason"), Assert.Single(list.Entries));

        Assert.Throws<FormatException>(() => HiddenScalarAllowList.Parse(["Web.Engine/A.cs | A.B"]));
        Assert.Throws<FormatException>(() => HiddenScalarAllowList.Parse(["Web.Engine/A.cs | A.B | "]));
    }
}
