using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Tests.Web.Engine;

/// <summary>The engine hands its relation to the UI by name (Web.Client sees no engine type), so the names must agree.</summary>
public sealed class RelationNamesTests
{
    [Fact]
    public void Every_engine_relation_crosses_to_the_same_named_ui_relation_and_back()
    {
        var engine = Enum.GetValues<PromptAudioRelation>();
        var ui = Enum.GetValues<PairRelation>();

        Assert.Equal(engine.Select(r => r.Name()), ui.Select(r => r.Name()));
        foreach (var relation in engine)
            Assert.Equal(relation.Name(), PairRelations.Parse(relation.Name()).Name());
    }

    [Theory]
    [InlineData("Creative", PairRelation.Creative)]
    [InlineData(" contradictory ", PairRelation.Contradictory)]
    public void A_ui_relation_reads_its_name_in_any_case(string name, PairRelation expected) =>
        Assert.Equal(expected, PairRelations.Parse(name));

    [Theory]
    [InlineData("2")]
    [InlineData("opposite")]
    [InlineData(null)]
    public void Anything_but_a_relation_name_is_refused(string? name) => Assert.False(PairRelations.TryParse(name, out _));
}
