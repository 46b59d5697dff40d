using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Clap2Diffusion.Server.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AdminSessionStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SessionStamp",
                table: "Accounts",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SessionStamp",
                table: "Accounts");
        }
    }
}
