using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Clap2Diffusion.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SafetyFlags : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AudioConditionedFlagged",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "TextOnlyFlagged",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AudioConditionedFlagged",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "TextOnlyFlagged",
                table: "Jobs");
        }
    }
}
