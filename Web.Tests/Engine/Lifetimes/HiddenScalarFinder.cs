using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Clap2Diffusion.Tests.Engine.Lifetimes;

/// <summary>One place where C# creates a TorchSharp object that nobody disposes, left to the finaliser thread.</summary>
public sealed record HiddenScalar(string File, int Line, string Member, string Kind, string Expression)
{
    public override string ToString() => $"{File}:{Line} ({Member}) {Kind}: {Expression}";
}

/// <summary>
/// Finds the ways engine code gets a Scalar (or a tensor) made behind the caller's back: (a) an operator between a
/// tensor and a primitive (<c>x * 0.5</c>, <c>1 - x</c>, <c>x += 1</c>); (b) an implicit user-defined conversion of a
/// primitive to <c>TorchSharp.Scalar</c> or <c>Tensor</c> (<c>x.mul(0.5)</c>, <c>clamp(0, 1)</c>, <c>alpha: 2</c>);
/// (c) a TorchSharp overload that fills in a number itself: tensor <c>+</c>, <c>+=</c> and <c>add</c>/<c>add_</c>
/// without an alpha (TorchSharp 0.107 calls <c>add(b, 1)</c>), Scalar <c>-</c> tensor (<c>b.negative().add(a)</c>), <c>addcdiv</c> without a value, <c>square()</c>
/// (<c>pow(2)</c>). None of these objects has an owner, so the .NET finaliser frees it on its own thread while
/// LibTorch may still read it (decision record 0010).
/// </summary>
public static class HiddenScalarFinder
{
    public const string OperatorKind = "tensor-with-primitive operator";
    public const string ConversionKind = "implicit Scalar conversion";
    public const string DefaultScalarKind = "Scalar filled in by TorchSharp";

    /// <summary>
    /// TorchSharp methods with an overload that passes a literal on to a Scalar parameter, and the parameter that,
    /// given by the caller, avoids it. Found in TorchSharp 0.107's IL (methods calling Scalar's implicit conversion)
    /// and kept to those the engine uses or could reach for. <c>sub</c>, <c>sub_</c> and tensor <c>-</c> are not
    /// among them: in 0.107 they call LibTorch without an alpha and have no overload that takes one.
    /// </summary>
    private static readonly Dictionary<string, string> ScalarParameterByMethod = new()
    {
        ["add"] = "alpha", ["add_"] = "alpha", ["addcdiv"] = "value", ["addcdiv_"] = "value",
    };

    public static IReadOnlyList<HiddenScalar> Find(Compilation compilation, string root)
    {
        var found = new List<HiddenScalar>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var file = Path.GetRelativePath(root, tree.FilePath).Replace('\\', '/');
            foreach (var operation in RootOperations(model, tree))
                foreach (var node in operation.DescendantsAndSelf())
                    if (Describe(node) is { } kind && !InsideReportedOperator(node))
                        found.Add(new HiddenScalar(file, node.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1,
                            MemberName(model, node.Syntax), kind, node.Syntax.ToString()));
        }
        return found;
    }

    /// <summary>Every member body, initializer and constructor call in the file, each once.</summary>
    private static IEnumerable<IOperation> RootOperations(SemanticModel model, SyntaxTree tree)
    {
        foreach (var syntax in tree.GetRoot().DescendantNodes())
        {
            if (syntax is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax
                or EqualsValueClauseSyntax or PrimaryConstructorBaseTypeSyntax))
                continue;
            if (model.GetOperation(syntax) is { Parent: null } operation)
                yield return operation;
        }
    }

    private static string? Describe(IOperation node) => node switch
    {
        IBinaryOperation binary when TakesTorchAndPrimitive(binary.OperatorMethod, binary.LeftOperand, binary.RightOperand) => OperatorKind,
        ICompoundAssignmentOperation compound when TakesTorchAndPrimitive(compound.OperatorMethod, compound.Target, compound.Value) => OperatorKind,
        IUnaryOperation unary when unary.OperatorMethod is { } method && IsTorch(method.ContainingType)
            && method.Parameters.Any(p => IsPrimitive(p.Type) || IsScalar(p.Type)) => OperatorKind,
        IConversionOperation conversion when conversion.IsImplicit && conversion.Conversion.IsUserDefined
            && IsTorch(conversion.Type) && IsPrimitive(conversion.Operand.Type) => ConversionKind,
        IBinaryOperation binary when IsTensorAdd(binary.OperatorMethod, binary.OperatorKind)
            || IsScalarMinusTensor(binary) => DefaultScalarKind,
        ICompoundAssignmentOperation compound when IsTensorAdd(compound.OperatorMethod, compound.OperatorKind) => DefaultScalarKind,
        IInvocationOperation invocation when FillsInAScalar(invocation) => DefaultScalarKind,
        _ => null,
    };

    /// <summary>Tensor <c>+</c> with a tensor or Scalar on the other side: <c>add(b, 1)</c> inside.</summary>
    private static bool IsTensorAdd(IMethodSymbol? method, BinaryOperatorKind kind) =>
        method is not null && IsTensor(method.ContainingType) && kind == BinaryOperatorKind.Add;

    /// <summary><c>s - x</c> with a Scalar <c>s</c>: TorchSharp computes <c>x.negative().add(s)</c>, whose alpha is its own.</summary>
    private static bool IsScalarMinusTensor(IBinaryOperation binary) =>
        binary.OperatorMethod is { } method && IsTensor(method.ContainingType) && binary.OperatorKind == BinaryOperatorKind.Subtract
        && IsScalar(Unconverted(binary.LeftOperand).Type) && IsTensor(Unconverted(binary.RightOperand).Type);

    private static bool FillsInAScalar(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!IsTensor(method.ContainingType) && method.ContainingType?.ToDisplayString() != "TorchSharp.torch")
            return false;
        if (method.Name == "square" && method.Parameters.Length == (method.IsStatic ? 1 : 0))
            return true;
        return ScalarParameterByMethod.TryGetValue(method.Name, out var parameter)
            && !invocation.Arguments.Any(a => a.Parameter?.Name == parameter && a.ArgumentKind != ArgumentKind.DefaultValue);
    }

    /// <summary>
    /// A user-defined operator where one side is a tensor and the other, before any conversion, a C# number: it
    /// binds either to an overload taking the primitive or to one taking a Scalar made by an implicit conversion.
    /// </summary>
    private static bool TakesTorchAndPrimitive(IMethodSymbol? method, IOperation left, IOperation right)
    {
        if (method is null || !IsTorch(method.ContainingType))
            return false;
        var leftType = Unconverted(left).Type;
        var rightType = Unconverted(right).Type;
        return (IsTensor(leftType) && IsPrimitive(rightType)) || (IsPrimitive(leftType) && IsTensor(rightType));
    }

    private static bool InsideReportedOperator(IOperation node) =>
        node is IConversionOperation && node.Parent is IBinaryOperation or ICompoundAssignmentOperation or IUnaryOperation
        && Describe(node.Parent) == OperatorKind;

    private static IOperation Unconverted(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
            operation = conversion.Operand;
        return operation;
    }

    private static bool IsTorch(ITypeSymbol? type) =>
        IsScalar(type) || IsTensor(type);

    private static bool IsScalar(ITypeSymbol? type) =>
        type?.ToDisplayString() == "TorchSharp.Scalar";

    private static bool IsTensor(ITypeSymbol? type) =>
        type?.ToDisplayString() == "TorchSharp.torch.Tensor";

    private static bool IsPrimitive(ITypeSymbol? type) => type?.SpecialType is
        SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16
        or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64
        or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal
        || (type is INamedTypeSymbol named && named.ToDisplayString() is "System.Half" or "System.Numerics.Complex"
            or "(float Real, float Imaginary)" or "(double Real, double Imaginary)");

    private static string MemberName(SemanticModel model, SyntaxNode syntax)
    {
        var member = syntax.AncestorsAndSelf().FirstOrDefault(s => s is MemberDeclarationSyntax and not BaseTypeDeclarationSyntax);
        var symbol = member is null ? null : member is BaseFieldDeclarationSyntax field
            ? model.GetDeclaredSymbol(field.Declaration.Variables[0])
            : model.GetDeclaredSymbol(member);
        return symbol is null ? "?" : $"{symbol.ContainingType?.Name}.{symbol.Name}";
    }
}
