using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class KlarnaRestServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KlarnaRestServices",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    Username = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ProtectedPassword = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Region = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    UseLive = table.Column<bool>(type: "boolean", nullable: false),
                    BaseUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastInitialization_At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastInitialization_By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LastInitialization_Live = table.Column<bool>(type: "boolean", nullable: true),
                    LastInitialization_Region = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    LastInitialization_Username = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LastInitialization_Succeeded = table.Column<bool>(type: "boolean", nullable: true),
                    LastInitialization_Message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KlarnaRestServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KlarnaRestServices_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KlarnaRestServices_ChannelId",
                table: "KlarnaRestServices",
                column: "ChannelId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KlarnaRestServices");
        }
    }
}
