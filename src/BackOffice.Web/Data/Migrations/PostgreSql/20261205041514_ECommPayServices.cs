using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ECommPayServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ECommPayServices",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    ProjectId = table.Column<long>(type: "bigint", nullable: true),
                    ProtectedSecretKey = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    UseLive = table.Column<bool>(type: "boolean", nullable: false),
                    BaseUrl = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PaymentPageUrl = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LastInitialization_At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastInitialization_By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    LastInitialization_Live = table.Column<bool>(type: "boolean", nullable: true),
                    LastInitialization_ProjectId = table.Column<long>(type: "bigint", nullable: true),
                    LastInitialization_Succeeded = table.Column<bool>(type: "boolean", nullable: true),
                    LastInitialization_Message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ECommPayServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ECommPayServices_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ECommPayServices_ChannelId",
                table: "ECommPayServices",
                column: "ChannelId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ECommPayServices");
        }
    }
}
