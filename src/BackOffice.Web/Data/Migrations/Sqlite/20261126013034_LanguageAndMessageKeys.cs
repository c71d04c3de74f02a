using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LanguageAndMessageKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DetailsArguments",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DetailsKey",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 8,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DetailsArguments",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "DetailsKey",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "AspNetUsers");
        }
    }
}
