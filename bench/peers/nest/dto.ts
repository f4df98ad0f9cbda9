// The cart and lookup rules as class-validator DTOs, checked by Nest's ValidationPipe on every hop.
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { rules } from '../shared/products.ts';

const productId = new RegExp(rules.productId.pattern);

export class CartItemDto {
  @IsString()
  @Length(rules.productId.minLength, rules.productId.maxLength)
  @Matches(productId)
  productId!: string;

  @IsInt()
  @Min(rules.quantity.minimum)
  @Max(rules.quantity.maximum)
  quantity!: number;
}

export class CartDto {
  @IsArray()
  @ArrayMinSize(rules.items.minItems)
  @ArrayMaxSize(rules.items.maxItems)
  @ValidateNested({ each: true })
  @Type(() => CartItemDto)
  items!: CartItemDto[];
}

/** What the edge sends orders: the cart and who asks (a TCP message has no headers). */
export class QuoteRequestDto extends CartDto {
  @IsString()
  user!: string;
}

export class LookupDto {
  @IsArray()
  @ArrayMinSize(rules.ids.minItems)
  @ArrayMaxSize(rules.ids.maxItems)
  @IsString({ each: true })
  @Length(rules.productId.minLength, rules.productId.maxLength, { each: true })
  @Matches(productId, { each: true })
  ids!: string[];
}

/** Unknown fields are refused, as Agora's contracts refuse them. */
export const validation = { whitelist: true, forbidNonWhitelisted: true, transform: true } as const;
