using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Startup;

public static class SectionOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to its configuration section and validates it, attributes and
    /// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> alike, when the host starts, so a bad
    /// setting stops the server at once with a message that names its key ("Queue:MaxAttempts"), not at the first
    /// request that reads it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddSectionOptions<TOptions>(this IServiceCollection services, string section) where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
