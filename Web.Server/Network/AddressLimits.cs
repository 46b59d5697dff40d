using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Network;

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by client address (see <see cref="ClientNetwork"/>), on the calls a
/// client could otherwise repeat under ids it asks for afresh: submissions, uploads, sign-in and study joins. A
/// refusal is a 429 with <c>Retry-After</c> and the sentence the endpoint registered with its policy.
/// </summary>
public static class AddressLimits
{
    public const string Submissions = "address-submissions";
    public const string Uploads = "address-uploads";
    public const string SignIns = "address-sign-ins";

    public static IServiceCollection AddAddressLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellationToken) => RejectAsync(context.HttpContext, context.Lease, cancellationToken);
            limiter.AddPolicy(Submissions, context => PerAddress(context, options => options.SubmissionsPerAddress));
            limiter.AddPolicy(Uploads, context => PerAddress(context, options => options.UploadsPerAddress));
            // Only the posted form counts: loading the sign-in page tries no password.
            limiter.AddPolicy(SignIns, context => HttpMethods.IsPost(context.Request.Method)
                ? PerAddress(context, options => options.SignInsPerAddress)
                : RateLimitPartition.GetNoLimiter("page"));
        });
        return services;
    }

    /// <summary>A sliding window of <paramref name="permits"/> per <paramref name="window"/> for the request's address; none for an exempt one.</summary>
    public static RateLimitPartition<string> PerAddress(HttpContext context, int permits, TimeSpan window) =>
        context.RequestServices.GetRequiredService<ClientNetwork>().PartitionOf(context) is { } address
            ? RateLimitPartition.GetSlidingWindowLimiter(address, _ => Window(permits, window))
            : RateLimitPartition.GetNoLimiter("exempt");

    public static SlidingWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        SegmentsPerWindow = 6,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Puts <paramref name="policy"/> on the endpoints, with the sentence a refused client reads.</summary>
    public static TBuilder LimitPerAddress<TBuilder>(this TBuilder builder, string policy, string message) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy).WithMetadata(new AddressLimitMessage(message));

    public static async ValueTask RejectAsync(HttpContext context, RateLimitLease lease, CancellationToken cancellationToken, string? message = null)
    {
        var window = context.RequestServices.GetRequiredService<IOptions<NetworkOptions>>().Value.Window;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : window / 6;
        message ??= context.GetEndpoint()?.Metadata.GetMetadata<AddressLimitMessage>()?.Message
            ?? "Too many requests came from your network address in a short time.";
        message += $" Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s.";
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (context.Request.Path.StartsWithSegments("/api"))
            await Results.Problem(message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests from your address",
                extensions: new Dictionary<string, object?> { ["errors"] = new[] { message } }).ExecuteAsync(context);
        else
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(message, cancellationToken);
        }
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, Func<NetworkOptions, int> permits)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<NetworkOptions>>().Value;
        return PerAddress(context, permits(options), options.Window);
    }
}

/// <summary>What a client refused by an address limit reads.</summary>
public sealed record AddressLimitMessage(string Message);

/// <summary>An address limit's refusal as an endpoint's result, for limits an endpoint checks itself.</summary>
public sealed class AddressLimitRefusal(RateLimitLease lease, string message) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => AddressLimits.RejectAsync(httpContext, lease, httpContext.RequestAborted, message).AsTask();
}
