import type { Problem } from '../../src/campaigns/posts/validation/validate-post';
import { NETWORK_RULES } from '../../src/campaigns/posts/validation/network-rules';
import { currentLang, formatNumber as n, t } from './i18n';

/**
 * The validation module's problems in the page's language. English is the module's own
 * message (word for word what the API answers); French is built from the same code and details.
 */
export function problemText(problem: Problem, whoByChannel: Map<string, string>): string {
  if (currentLang() === 'en') return problem.message;
  const d = (problem.details ?? {}) as Record<string, any>;
  const net = problem.network ? NETWORK_RULES[problem.network].label : '';
  const who = (problem.channelId && whoByChannel.get(problem.channelId)) || '';
  const media = (i: number) => `le média ${n(i + 1)}`;
  switch (problem.code) {
    case 'no_targets':
      return 'Choisissez au moins un compte où publier ce post.';
    case 'empty_text':
      return `Le post pour ${who} sur ${net} n’a ni texte ni média : écrivez un texte ou ajoutez une image.`;
    case 'text_too_long':
      if (d.unit === 'bytes') {
        return `${net} accepte au plus ${n(d.max)} octets de texte et le texte pour ${who} en prend ${n(d.used)} (émojis et lettres accentuées prennent plusieurs octets) : raccourcissez-le.`;
      }
      return `${net} compte ${n(d.used)} caractères sur ${n(d.max)} pour ${who} : raccourcissez de ${n(d.over)}.`;
    case 'too_many_hashtags':
      return `${net} accepte au plus ${n(d.max)} hashtags et le texte pour ${who} en a ${n(d.count)} : retirez-en ${n(d.count - d.max)}.`;
    case 'media_required':
      return `${net} exige au moins une image ou une vidéo pour ${who} : ajoutez-en une, ou retirez ce compte.`;
    case 'too_many_media':
      if (d.type === 'video') return `${net} accepte au plus ${n(d.max)} vidéo(s) par post et ce post en a ${n(d.count)} pour ${who} : retirez-en ${n(d.count - d.max)}.`;
      return `${net} accepte au plus ${n(d.max)} images ou vidéos par post et ce post en a ${n(d.count)} pour ${who} : retirez-en ${n(d.count - d.max)}.`;
    case 'mixed_media':
      return `${net} ne publie pas une vidéo avec des images (${who}) : gardez la vidéo seule, ou seulement les images.`;
    case 'alt_text_too_long':
      return `Le texte alternatif de ${media(d.mediaIndex)} fait ${n(d.used)} caractères ; ${net} en accepte au plus ${n(d.max)} pour ${who} : raccourcissez de ${n(d.used - d.max)}.`;
    case 'invalid_media_url':
      return `L’adresse de ${media(d.mediaIndex)} (« ${String(d.url)} ») n’est pas une adresse web complète : elle doit commencer par http:// ou https://.`;
    case 'invalid_media_type':
      return `${media(d.mediaIndex)} a le type « ${String(d.type)} » : choisissez « image » ou « vidéo ».`;
    case 'unsupported_media_format':
      return `${net} ne publie que des images JPEG ; ${media(d.mediaIndex)} est au format ${String(d.format).toUpperCase()} : enregistrez-la en JPEG pour ${who}.`;
    case 'media_aspect_ratio':
      return `${net} accepte des images du format 4:5 (portrait) au format 1,91:1 (paysage) ; ${media(d.mediaIndex)} fait ${n(d.width)}×${n(d.height)} : recadrez-la pour ${who}.`;
    case 'invalid_link':
      return `Le lien « ${String(d.link)} » n’est pas une adresse web complète : il doit commencer par http:// ou https://.`;
    case 'media_not_supported':
      return t('problem.mediaNotSupported', { net, media: media(d.mediaIndex), who });
    case 'media_format_not_supported':
      return t('problem.mediaFormatNotSupported', { net, media: media(d.mediaIndex), who, extension: String(d.extension), allowed: (d.allowed as string[]).map((e) => `.${e}`).join(', ') });
    case 'unknown_partner_placeholder':
      return `{{partner:${String(d.slug)}}} ne désigne aucun partenaire (texte pour ${who} sur ${net}) : vérifiez l’orthographe.`;
    default:
      return problem.message;
  }
}
