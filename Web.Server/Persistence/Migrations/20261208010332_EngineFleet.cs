using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Clap2Diffusion.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EngineFleet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ShardsJson",
                table: "Runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Worker",
                table: "Runs",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DispatchSet",
                table: "Jobs",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ModelSet",
                table: "Jobs",
                type: "TEXT",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ShardsJson",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Worker",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "DispatchSet",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "ModelSet",
                table: "Jobs");
        }
    }
}
