using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Server.Api;

/// <summary>Problem responses whose <c>detail</c> is the sentence a person reads, and whose <c>errors</c> list each reason.</summary>
public static class ApiResults
{
    public static IResult Problem(int status, string title, IReadOnlyList<string> messages) =>
        Results.Problem(string.Join(" ", messages), statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["errors"] = messages });

    /// <summary>When a client refused by a full queue should try again: about one short job's turn.</summary>
    public static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(30);

    public static IResult Refused(SubmitResult result) => result.Problem switch
    {
        SubmitProblem.QueueFull => new RetryAfterResult(
            Problem(StatusCodes.Status503ServiceUnavailable, "The queue is full", result.Messages), QueueFullRetryAfter),
        SubmitProblem.Invalid => Problem(StatusCodes.Status400BadRequest, "The job is not valid", result.Messages),
        SubmitProblem.TooManyQueued => Problem(StatusCodes.Status429TooManyRequests, "Too many jobs queued", result.Messages),
        SubmitProblem.RateLimited => Problem(StatusCodes.Status429TooManyRequests, "Too many submissions", result.Messages),
        SubmitProblem.StorageFull => Problem(StatusCodes.Status507InsufficientStorage, "Storage is full", result.Messages),
        _ => Problem(StatusCodes.Status503ServiceUnavailable, "The engine is not available", result.Messages),
    };

    public static IResult Owner(OwnerActionResult result, string notApplicable) => result switch
    {
        OwnerActionResult.Done => Results.NoContent(),
        OwnerActionResult.NotFound => Problem(StatusCodes.Status404NotFound, "No such job", ["There is no job with this id."]),
        OwnerActionResult.NotOwner => Problem(StatusCodes.Status403Forbidden, "Not your job", ["Only the job's owner may do this."]),
        _ => Problem(StatusCodes.Status409Conflict, "Not possible now", [notApplicable]),
    };
}

/// <summary>A result with a <c>Retry-After</c> header.</summary>
public sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}

public sealed record SubmitResponse(Guid JobId, int Position, double EstimatedRunSeconds, double EstimatedWaitSeconds, string StatusUrl);

public sealed record EstimateRequest(GenerationSettings Settings, JobKind Kind);

public sealed record EstimateResponse(double RunSeconds, double WaitSeconds, int JobsAhead);
