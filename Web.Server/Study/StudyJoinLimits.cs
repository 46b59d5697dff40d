using Clap2Diffusion.Server.Network;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Study;

/// <summary>
/// ASP.NET Core's rate limiter on the participants' page (<c>/study/{code}</c>), partitioned by client address, in
/// every access mode: a new session needs a fresh browser and so a page load, and this bounds how many one machine
/// can make. Behind a reverse proxy, list it in <c>Network:KnownProxies</c>, or every participant shares one partition.
/// </summary>
public static class StudyJoinLimits
{
    public const string Policy = "study-joins";

    public const string Message = "Too many study pages were opened from your network address in a short time. Wait a minute, then reload the page.";

    public static IServiceCollection AddStudyJoinLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter => limiter.AddPolicy(Policy, context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<StudyOptions>>().Value;
            return AddressLimits.PerAddress(context, options.JoinsPerAddress, options.JoinWindow);
        }));
        return services;
    }

    /// <summary>Puts the join limit on the participants' page among the app's component endpoints.</summary>
    public static TBuilder LimitStudyJoins<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern: { } pattern } && IsParticipantPage(pattern))
            {
                endpoint.Metadata.Add(new EnableRateLimitingAttribute(Policy));
                endpoint.Metadata.Add(new AddressLimitMessage(Message));
            }
        });
        return builder;
    }

    private static bool IsParticipantPage(RoutePattern pattern) =>
        pattern.RawText is { } raw && raw.TrimStart('/').StartsWith("study/{", StringComparison.OrdinalIgnoreCase);
}
