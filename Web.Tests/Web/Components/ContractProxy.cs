using System.Reflection;

namespace Clap2Diffusion.Tests.Web.Components;

/// <summary>
/// A contract answered by one function, for component tests that need a member or two of a wide interface; any
/// other member fails the test with its name.
/// </summary>
public class ContractProxy<T> : DispatchProxy where T : class
{
    private Func<MethodInfo, object?[], object?> _answer = (method, _) => throw new NotSupportedException($"{typeof(T).Name}.{method.Name} is not faked here.");

    public static T Create(Func<MethodInfo, object?[], object?> answer)
    {
        var proxy = Create<T, ContractProxy<T>>();
        ((ContractProxy<T>)(object)proxy)._answer = answer;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _answer(targetMethod!, args ?? []);
}
