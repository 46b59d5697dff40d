using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Tests.Web.Engine;

public sealed class EngineAllocatorOptionTests
{
    [Theory]
    [InlineData("tuned", true)]
    [InlineData("default", true)]
    [InlineData("jemalloc", false)]
    [InlineData("Tuned", false)]
    public void Engine_Allocator_accepts_tuned_or_default_and_names_the_key_otherwise(string value, bool valid)
    {
        var options = new EngineModelOptions { Allocator = value };
        var errors = new List<ValidationResult>();

        var properties = Validator.TryValidateProperty(options.Allocator,
            new ValidationContext(options) { MemberName = nameof(EngineModelOptions.Allocator) }, errors);

        Assert.Equal(valid, properties);
        if (!valid)
            Assert.Equal("Engine:Allocator must be tuned or default.", Assert.Single(errors).ErrorMessage);
    }

    [Fact]
    public void The_server_tunes_the_allocator_unless_told_otherwise() =>
        Assert.Equal("tuned", new EngineModelOptions().Allocator);
}
