import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class RegisterProjectDto {
  @ApiProperty({ example: '118', description: '1-64 letters, digits, ".", "_" or "-"' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'id must be 1-64 letters, digits, ".", "_" or "-"' })
  id: string;

  @ApiProperty({ example: 'Helsedataprogrammet' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  name: string;

  @ApiProperty({ example: 'Direktoratet for e-helse' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  owner: string;

  @ApiPropertyOptional({ example: 'gjennomføring' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  phase?: string;

  @ApiPropertyOptional({ example: 'pågår' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  status?: string;
}

export class ReportProjectStatusDto {
  @ApiPropertyOptional({ example: 'gjennomføring' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  phase?: string;

  @ApiPropertyOptional({ example: 'forsinket' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  status?: string;

  @ApiPropertyOptional({ example: 'høy' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  risk?: string;

  @ApiProperty({ example: 'Leveransen er forsinket med to måneder.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20_000)
  note: string;
}
