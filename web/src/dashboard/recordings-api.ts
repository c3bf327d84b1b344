// The operator's calls about recordings: start and stop a room's, its settings, the library, replay links
// (also what a download link carries: <a download> cannot send the operator's header), delete.
import { z } from 'zod';
import {
  RecordingInfo,
  RecordingLibrary,
  RecordingSettings,
  ReplayLink,
  type RecordingId,
  type RecordingSettingsChange,
  type RoomId,
} from '@inclubit/sfu/protocol';
import { callApi } from '../lib/http-api';

export const startRecording = (token: string, room: RoomId) =>
  callApi(`/api/rooms/${room}/recording`, { token }, RecordingInfo);

export const stopRecording = (token: string, room: RoomId) =>
  callApi(`/api/rooms/${room}/recording`, { method: 'DELETE', token }, RecordingInfo);

export const recordingSettings = (token: string, room: RoomId) =>
  callApi(`/api/rooms/${room}/recording-settings`, { method: 'GET', token }, RecordingSettings);

export const changeRecordingSettings = (token: string, room: RoomId, change: RecordingSettingsChange) =>
  callApi(`/api/rooms/${room}/recording-settings`, { method: 'PUT', body: change, token }, RecordingSettings);

export const listRecordings = (token: string) =>
  callApi('/api/recordings', { method: 'GET', token }, RecordingLibrary);

export const replayLink = (token: string, id: RecordingId) =>
  callApi(`/api/recordings/${id}/link`, { token }, ReplayLink);

export const deleteRecording = (token: string, id: RecordingId) =>
  callApi(`/api/recordings/${id}`, { method: 'DELETE', token }, z.object({}));
