using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Startup;

/// <summary>
/// Data-annotation validation whose failures name the configuration keys, section included: the stock validator
/// names only the property, which leaves an operator to guess which of the sections holds it.
/// </summary>
public sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions> where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (name != Options.DefaultName)
            return ValidateOptionsResult.Skip;
        var failures = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures.Select(Describe));
    }

    private string Describe(ValidationResult failure)
    {
        var message = failure.ErrorMessage ?? "is not valid";
        var keys = string.Join(", ", failure.MemberNames.Select(member => $"{section}:{member}"));
        return keys.Length == 0 || message.StartsWith($"{section}:", StringComparison.Ordinal) ? message : $"{keys}: {message}";
    }
}
