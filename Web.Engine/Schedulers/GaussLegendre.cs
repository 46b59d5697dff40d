namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// Gauss-Legendre quadrature: m nodes integrate any polynomial of degree ≤ 2m−1 exactly. LMS integrates
/// Lagrange basis polynomials, so this replaces diffusers' adaptive <c>scipy.integrate.quad</c> with an
/// exact rule.
/// </summary>
internal static class GaussLegendre
{
    public static double Integrate(Func<double, double> f, double a, double b, int points)
    {
        var (nodes, weights) = Rule(points);
        var half = (b - a) / 2;
        var mid = (a + b) / 2;
        var sum = 0.0;
        for (var i = 0; i < points; i++)
            sum += weights[i] * f(mid + half * nodes[i]);
        return half * sum;
    }

    /// <summary>Nodes (roots of the Legendre polynomial P_m, by Newton's method) and weights on [−1, 1].</summary>
    private static (double[] Nodes, double[] Weights) Rule(int m)
    {
        if (m < 1)
            throw new ArgumentOutOfRangeException(nameof(m), "a quadrature rule needs at least one node");
        var nodes = new double[m];
        var weights = new double[m];
        for (var i = 0; i < m; i++)
        {
            // Tricomi's approximation of the i-th root, then Newton's method.
            var x = Math.Cos(Math.PI * (i + 0.75) / (m + 0.5));
            double derivative;
            for (var iteration = 0; ; iteration++)
            {
                var (p, pPrevious) = Legendre(m, x);
                derivative = m * (x * p - pPrevious) / (x * x - 1);
                var step = p / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-15 || iteration == 100)
                    break;
            }
            nodes[i] = x;
            weights[i] = 2 / ((1 - x * x) * derivative * derivative);
        }
        return (nodes, weights);
    }

    /// <summary>P_m(x) and P_{m−1}(x) by Bonnet's recursion.</summary>
    private static (double P, double PPrevious) Legendre(int m, double x)
    {
        double p0 = 1, p1 = x;
        for (var k = 2; k <= m; k++)
            (p0, p1) = (p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k);
        return (p1, p0);
    }
}
